/** file:// saving and loading without tfjs-node, in tfjs-node's layout. */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { initBackend } from '../backend';
import { batchRenormalization } from '../renorm/layer';
import { testDir } from '../testing';
import { tf } from '../tf';
import { registerFileHandlers } from './file-handlers';

before(async () => {
  await initBackend();
  registerFileHandlers();
});

describe('file:// handlers', () => {
  it('model.save writes model.json and weights.bin; tf.loadLayersModel reads them back with identical predictions', async () => {
    const model = tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [5], units: 4 }),
        batchRenormalization({ rmax: 2, dmax: 1 }),
        tf.layers.dense({ units: 2 }),
      ],
    });
    const x = tf.randomNormal([6, 5], 0, 1, 'float32', 3);
    model.apply(x, { training: true });
    const dir = join(testDir('model'), 'nested', 'm');
    const result = await model.save(`file://${dir}`);
    assert.ok(existsSync(join(dir, 'model.json')) && existsSync(join(dir, 'weights.bin')));
    const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    assert.deepEqual(json.weightsManifest[0].paths, ['weights.bin']);
    assert.equal(result.modelArtifactsInfo.weightDataBytes, readFileSync(join(dir, 'weights.bin')).length);
    for (const url of [`file://${dir}/model.json`, `file://${dir}`]) {
      const loaded = await tf.loadLayersModel(url);
      assert.deepEqual(
        Array.from((loaded.predict(x) as tf.Tensor).dataSync()),
        Array.from((model.predict(x) as tf.Tensor).dataSync()),
      );
      assert.deepEqual((loaded.layers[1] as unknown as { clipping: unknown }).clipping, { rmax: 2, dmax: 1 });
    }
  });

  it('a missing model.json is an error naming it', async () => {
    const missing = join(testDir('model'), 'none', 'model.json');
    await assert.rejects(
      tf.loadLayersModel(`file://${missing}`),
      new RegExp(`Cannot load ${missing.replace(/[/.]/g, '\\$&')}`),
    );
  });
});
