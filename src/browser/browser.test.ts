/**
 * The package in a real browser, as a user bundles it: `page.fixture.ts`
 * bundled by esbuild for the browser with no alias, external or define,
 * served on 127.0.0.1, run in Debian's headless Chromium on webgl
 * (SwiftShader) and on wasm (`setWasmPaths`). The page trains the README's
 * conv model with both layers and the ramp callback, round-trips it through
 * indexeddb:// and localstorage:// with bit-identical predictions, and gets
 * the browser's message for file://. Also: the minified bundle of a page with
 * the kit's layers against the same page with tfjs's own layers (at most 1.2x).
 *
 * `make test` installs Chromium (scripts/ensure-chromium.sh) and sets
 * BRN_BROWSER_TEST=required; run alone without Chromium, the test skips and says why.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync, existsSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { KIT_ROOT } from '../paths';

const WORK = join(KIT_ROOT, 'build', 'browser-test');
const WASM_DIR = join(KIT_ROOT, 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist');
const TIMEOUT_MS = 180_000;

function findChromium(): string | null {
  for (const name of [process.env.BRN_CHROMIUM, 'chromium', 'chromium-browser', 'google-chrome']) {
    if (name === undefined || name === '') continue;
    if (spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).status === 0) return name;
  }
  return null;
}

const chromium = findChromium();
const required = process.env.BRN_BROWSER_TEST === 'required';
const skip =
  chromium === null && !required
    ? 'no Chromium here (apt-get install chromium, or BRN_CHROMIUM=<browser>); make test installs it'
    : false;

// esbuild is a dev dependency: loaded only when the test runs.
type Esbuild = typeof import('esbuild');
const esbuild = (): Esbuild => require('esbuild') as Esbuild;

async function bundle(entry: string, outfile: string, minify: boolean): Promise<number> {
  await esbuild().build({
    entryPoints: [entry],
    bundle: true,
    platform: 'browser',
    format: 'iife',
    minify,
    outfile,
    logLevel: 'error',
    absWorkingDir: KIT_ROOT,
  });
  return statSync(outfile).size;
}

/** A page that builds the README's conv model: with the kit's layers, or with tfjs's batchNormalization in their place. */
function modelPage(kit: boolean): string {
  const norm = (i: number) =>
    kit
      ? i === 0
        ? 'batchRenormalization({ momentum: 0.99, microbatchSize: 4 })'
        : 'groupNormalization({ groups: 4 })'
      : 'tf.layers.batchNormalization({ momentum: 0.99 })';
  return [
    "import * as tf from '@tensorflow/tfjs';",
    kit
      ? "import { batchRenormalization, groupNormalization, RenormRampCallback, PAPER_RAMP } from 'batch-renorm-kit';"
      : '',
    'const model = tf.sequential({ layers: [',
    "  tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 16, kernelSize: 5, padding: 'same', useBias: false }),",
    `  ${norm(0)}, tf.layers.reLU(), tf.layers.maxPooling2d({ poolSize: 2 }),`,
    "  tf.layers.conv2d({ filters: 32, kernelSize: 5, padding: 'same', useBias: false }),",
    `  ${norm(1)}, tf.layers.reLU(), tf.layers.maxPooling2d({ poolSize: 2 }),`,
    "  tf.layers.flatten(), tf.layers.dense({ units: 10, activation: 'softmax' })] });",
    "model.compile({ optimizer: 'rmsprop', loss: 'sparseCategoricalCrossentropy' });",
    kit ? 'const callbacks = [new RenormRampCallback(PAPER_RAMP)];' : 'const callbacks = [];',
    'model.fit(tf.zeros([32, 28, 28, 1]), tf.zeros([32]), { batchSize: 32, epochs: 1, callbacks });',
  ].join('\n');
}

let server: Server;
let port = 0;
let waiting: ((body: string) => void) | null = null;

before(async () => {
  if (skip !== false) return;
  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(WORK, { recursive: true });
  await bundle(join(KIT_ROOT, 'src', 'browser', 'page.fixture.ts'), join(WORK, 'page.js'), false);
  const html = '<!doctype html><meta charset="utf-8"><title>brn browser test</title><script src="/page.js"></script>';
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method === 'POST' && url.pathname === '/result') {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        res.end('ok');
        waiting?.(body);
      });
      return;
    }
    const file =
      url.pathname === '/'
        ? null
        : url.pathname === '/page.js'
          ? join(WORK, 'page.js')
          : url.pathname.startsWith('/wasm/') && /^[\w.-]+\.wasm$/.test(url.pathname.slice(6))
            ? join(WASM_DIR, url.pathname.slice(6))
            : undefined;
    if (file === undefined || (file !== null && !existsSync(file))) {
      res.statusCode = 404;
      res.end();
      return;
    }
    res.setHeader(
      'content-type',
      file === null ? 'text/html' : file.endsWith('.wasm') ? 'application/wasm' : 'text/javascript',
    );
    res.end(file === null ? html : readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

after(() => {
  server?.close();
});

/** Opens the page in headless Chromium on `backend` and returns what it POSTs (the browser is stopped either way). */
async function runPage(backend: string | null): Promise<Record<string, unknown>> {
  assert.ok(chromium !== null, 'BRN_BROWSER_TEST=required, but no Chromium was found (apt-get install chromium)');
  const profile = join(WORK, `profile-${backend ?? 'default'}`);
  const result = new Promise<string>((resolve) => (waiting = resolve));
  const browser: ChildProcess = spawn(
    chromium,
    [
      '--headless=new',
      '--no-sandbox',
      '--no-first-run',
      '--disable-extensions',
      `--user-data-dir=${profile}`,
      '--use-angle=swiftshader',
      '--enable-unsafe-swiftshader',
      `http://127.0.0.1:${port}/${backend === null ? '' : `?backend=${backend}`}`,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'], detached: true },
  );
  let stderr = '';
  browser.stderr?.on('data', (c: Buffer) => (stderr = (stderr + c.toString('utf8')).slice(-4000)));
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(new Error(`no result from the page on ${backend} in ${TIMEOUT_MS / 1000} s; Chromium said:\n${stderr}`)),
      TIMEOUT_MS,
    );
  });
  try {
    return JSON.parse(await Promise.race([result, timeout])) as Record<string, unknown>;
  } finally {
    clearTimeout(timer);
    waiting = null;
    try {
      process.kill(-browser.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

describe('the package in headless Chromium', { skip }, () => {
  // webgl by the default order (webgpu, webgl, wasm, cpu: the page imports no webgpu), wasm by name.
  for (const backend of ['webgl', 'wasm']) {
    const how = backend === 'webgl' ? 'initBackend() with no order picks webgl and' : "initBackend(['wasm'])";
    it(`${how} trains the README's conv model; indexeddb:// and localstorage:// reload it bit for bit`, async (t) => {
      const r = await runPage(backend === 'webgl' ? null : backend);
      assert.equal(r.ok, true, String(r.error));
      assert.equal(r.backend, backend);
      assert.equal(r.active, backend);
      const losses = r.losses as number[];
      assert.equal(losses.length, 2);
      assert.ok(losses.every(Number.isFinite), `losses ${losses}`);
      assert.equal(r.steps, 8, 'the ramp callback counted 2 epochs x 4 batches');
      assert.deepEqual(r.roundTrips, { 'indexeddb://brn-browser-test': true, 'localstorage://brn-browser-test': true });
      assert.match(String(r.fileError), /in a browser use indexeddb:\/\/, localstorage:\/\/ or downloads:\/\//);
      t.diagnostic(`${backend}: losses ${losses.map((l) => l.toFixed(4)).join(', ')}`);
    });
  }

  it('bundles at most 1.2x the same page with tfjs layers alone (minified)', async (t) => {
    writeFileSync(join(WORK, 'kit-page.ts'), modelPage(true));
    writeFileSync(join(WORK, 'plain-page.ts'), modelPage(false));
    const kit = await bundle(join(WORK, 'kit-page.ts'), join(WORK, 'kit-page.js'), true);
    const plain = await bundle(join(WORK, 'plain-page.ts'), join(WORK, 'plain-page.js'), true);
    const ratio = kit / plain;
    t.diagnostic(
      `minified: with the kit ${(kit / 1e6).toFixed(3)} MB, tfjs alone ${(plain / 1e6).toFixed(3)} MB, ratio ${ratio.toFixed(3)}`,
    );
    assert.ok(ratio <= 1.2, `the kit's page is ${ratio.toFixed(3)}x tfjs's`);
  });
});
