/**
 * `make bench`: the cost of a Batch Renorm training step next to tfjs's own
 * BatchNormalization, on the same small model (784-100-100-100-10 MLP,
 * normalization after each matmul), same backend, same process. Models are
 * timed in alternating blocks after a warm-up, and the median block is
 * reported, so drift in machine load hits both alike.
 */
import { initBackend } from './backend';
import { buildModel, type Normalization } from './models';
import { trainStep } from './experiments/step';
import { tf } from './tf';

interface Contender {
  label: string;
  normalization: Normalization;
}

const CONTENDERS: Contender[] = [
  { label: 'BN (tf.layers.batchNormalization)', normalization: 'bn-tfjs' },
  { label: 'BRN (BatchRenormalization, rmax 3, dmax 5)', normalization: 'brn' },
];

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

async function main(): Promise<void> {
  const backend = await initBackend();
  const warmup = Number(process.env.BENCH_WARMUP ?? 30);
  const blocks = Number(process.env.BENCH_BLOCKS ?? 15);
  const stepsPerBlock = Number(process.env.BENCH_STEPS ?? 40);
  const rows: string[][] = [];
  let ratio32 = NaN;
  for (const batch of [4, 32]) {
    const x = tf.randomUniform([batch, 784], 0, 1, 'float32', 1) as tf.Tensor2D;
    const labels = tf.tensor1d(Array.from({ length: batch }, (_, i) => i % 10), 'int32');
    const runs = CONTENDERS.map((c) => {
      const model = buildModel({ architecture: 'mlp', hidden: [100, 100, 100], normalization: c.normalization, microbatchSize: null, normLayer: { momentum: 0.99, epsilon: 1e-3 }, imageSize: 28, classes: 10 }, 1);
      const optimizer = tf.train.rmsprop(1e-3, 0.9);
      const run = (n: number) => {
        const start = process.hrtime.bigint();
        for (let i = 0; i < n; i++) trainStep(model, optimizer, x, labels, 10, null);
        (model.getWeights()[0] as tf.Tensor).dataSync();
        return Number(process.hrtime.bigint() - start) / 1e6 / n;
      };
      run(warmup);
      return { contender: c, run, times: [] as number[] };
    });
    for (let b = 0; b < blocks; b++) {
      for (const r of b % 2 === 0 ? runs : [...runs].reverse()) r.times.push(r.run(stepsPerBlock));
    }
    const [bn, brn] = runs.map((r) => median(r.times));
    const ratio = brn / bn;
    if (batch === 32) ratio32 = ratio;
    rows.push([backend, String(batch), bn.toFixed(3), brn.toFixed(3), ratio.toFixed(3)]);
  }
  const header = ['backend', 'batch', 'BN ms/step', 'BRN ms/step', 'BRN/BN'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i])).join('  ');
  console.log(`Training step of a 784-100-100-100-10 MLP; median of ${blocks} alternating blocks of ${stepsPerBlock} steps after ${warmup} warm-up steps.`);
  console.log(`BN: ${CONTENDERS[0].label}; BRN: ${CONTENDERS[1].label}.`);
  console.log(line(header));
  for (const r of rows) console.log(line(r));
  console.log(`brn/bn step-time ratio: ${ratio32.toFixed(3)}`);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
