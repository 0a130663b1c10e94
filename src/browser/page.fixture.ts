/**
 * The browser test's page (bundled by `browser.test.ts` with esbuild for the
 * browser, as a user's page would be): the README's conv model with both
 * layers and the ramp callback, trained on the backend the URL names, saved
 * to indexeddb:// and localstorage://, loaded back, and its predictions
 * compared bit for bit; `file://` must fail with the browser's message. The
 * result is POSTed to the page's own server as JSON.
 */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import {
  batchRenormalization,
  groupNormalization,
  initBackend,
  RenormRampCallback,
  scaleRamp,
  PAPER_RAMP,
} from 'batch-renorm-kit';

// The page's address (the kit compiles without the DOM library).
declare const location: { search: string };

async function sameBits(a: tf.Tensor, b: tf.Tensor): Promise<boolean> {
  const [x, y] = [new Uint32Array((await a.data()).buffer), new Uint32Array((await b.data()).buffer)];
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

async function main(): Promise<Record<string, unknown>> {
  const wanted = new URLSearchParams(location.search).get('backend') ?? undefined;
  setWasmPaths('/wasm/');
  const backend = await initBackend(wanted === undefined ? undefined : [wanted]);
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 16, kernelSize: 5, padding: 'same', useBias: false }),
      batchRenormalization({ momentum: 0.99, microbatchSize: 4 }),
      tf.layers.reLU(),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 32, kernelSize: 5, padding: 'same', useBias: false }),
      groupNormalization({ groups: 4 }),
      tf.layers.reLU(),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
  model.compile({ optimizer: 'rmsprop', loss: 'sparseCategoricalCrossentropy' });
  const x = tf.randomUniform([64, 28, 28, 1], 0, 1, 'float32', 1);
  const y = tf.tensor1d(
    Array.from({ length: 64 }, (_, i) => i % 10),
    'float32',
  );
  // A ramp short enough that its batchnorm phase ends inside this run.
  const ramp = new RenormRampCallback(scaleRamp(PAPER_RAMP, 1 / 2500));
  const history = await model.fit(x, y, { batchSize: 16, epochs: 2, shuffle: false, callbacks: [ramp], verbose: 0 });
  const before = model.predict(x) as tf.Tensor;
  const roundTrips: Record<string, boolean> = {};
  for (const url of ['indexeddb://brn-browser-test', 'localstorage://brn-browser-test']) {
    await model.save(url);
    const again = await tf.loadLayersModel(url);
    roundTrips[url] = await sameBits(before, again.predict(x) as tf.Tensor);
  }
  let fileError = '';
  try {
    await model.save('file://my-model');
  } catch (err) {
    fileError = (err as Error).message;
  }
  return {
    backend,
    active: tf.getBackend(),
    losses: history.history.loss,
    steps: ramp.step,
    roundTrips,
    fileError,
  };
}

main()
  .then((result) => ({ ok: true, ...result }))
  .catch((err: Error) => ({ ok: false, error: `${err.message}\n${err.stack ?? ''}` }))
  .then((body) => fetch('/result', { method: 'POST', body: JSON.stringify(body) }));
