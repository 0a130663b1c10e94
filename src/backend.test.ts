/** initBackend in a fresh process: concurrent calls (the notebook helpers start one at import) agree and leave one backend. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';

/** Runs `script` in a fresh Node with BRN_BACKEND unset; its last stdout line as JSON, and its stderr. */
function inFreshProcess(script: string): { out: Record<string, any>; stderr: string } {
  const r = spawnSync(process.execPath, ['-e', script], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, BRN_BACKEND: '' },
  });
  assert.equal(r.status, 0, r.stderr);
  return { out: JSON.parse(r.stdout.trim().split('\n').pop()!), stderr: r.stderr };
}

describe('initBackend', () => {
  it('two concurrent calls choose once: the same backend, still active afterwards, console.warn intact', () => {
    const script = `
      const warn = console.warn;
      const { initBackend } = require(${JSON.stringify(join(__dirname, 'backend.js'))});
      const { tf } = require(${JSON.stringify(join(__dirname, 'tf.js'))});
      Promise.all([initBackend(), initBackend(), initBackend()]).then(async (names) => {
        await new Promise((r) => setTimeout(r, 50));
        const product = tf.matMul(tf.ones([2, 3]), tf.ones([3, 2])).dataSync();
        console.log(JSON.stringify({ names, active: tf.getBackend(), warnIntact: console.warn === warn, product: Array.from(product) }));
      });`;
    const { out, stderr } = inFreshProcess(script);
    assert.equal(new Set(out.names).size, 1, `one choice: ${out.names}`);
    assert.equal(out.active, out.names[0]);
    assert.equal(out.warnIntact, true);
    assert.deepEqual(out.product, [3, 3, 3, 3]);
    assert.doesNotMatch(
      stderr,
      /looks like you are running TensorFlow\.js in Node\.js/i,
      'the cpu backend was never started',
    );
  });

  it('names what it knows for a backend it does not, and takes any backend registered with tfjs by name', () => {
    const script = `
      const { initBackend } = require(${JSON.stringify(join(__dirname, 'backend.js'))});
      const { tf } = require(${JSON.stringify(join(__dirname, 'tf.js'))});
      (async () => {
        let unknown = '';
        try { await initBackend('webgl'); } catch (e) { unknown = e.message; }
        tf.registerBackend('cpu-again', tf.findBackendFactory('cpu'));
        const name = await initBackend(['cpu-again', 'cpu']);
        let switching = '';
        try { await initBackend('wasm'); } catch (e) { switching = e.message; }
        console.log(JSON.stringify({ unknown, name, active: tf.getBackend(), again: await initBackend(), switching }));
      })();`;
    const { out } = inFreshProcess(script);
    assert.match(out.unknown, /^Unknown backend 'webgl': expected one of tensorflow, wasm, cpu/);
    assert.equal(out.name, 'cpu-again');
    assert.equal(out.active, 'cpu-again');
    assert.equal(out.again, 'cpu-again', 'a later call with no order returns the backend chosen');
    assert.match(out.switching, /Backend 'cpu-again' is already active here; cannot switch to 'wasm'/);
  });
});
