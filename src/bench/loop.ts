/**
 * `make bench`: the cost of a model-step, in one process on one backend, on
 * the paper's MLP (784-100-100-100-10, normalization after each matmul):
 *
 * - plain: a plain tfjs-layers step (`tf.layers.dense` without bias +
 *   `tf.layers.batchNormalization` + ReLU, ×3, dense 10, RMSProp through
 *   `optimizer.minimize`), what a tfjs user would write;
 * - the experiment loop for BN and for BRN (rmax 3, dmax 5): sampling, the
 *   training step and tally through the trainer the experiments use on this
 *   backend, plus one evaluation (5,000 validation images and 50 minibatches in
 *   both modes) per 1,000 steps, the full profile's cadence, amortized.
 *
 * Contenders are timed in alternating blocks after a warm-up and the median
 * block is reported, so drift in machine load hits all alike.
 */
import { initBackend } from '../backend';
import { DataCache, gatherBatch } from '../data/dataset';
import { iidSampler, sampledBatches } from '../data/samplers';
import { BASE } from '../protocol/config';
import { median } from '../results/stats';
import { trainerFor } from '../train/trainers';
import { trainStep } from '../train/step';
import type { Trainer } from '../train/trainer';
import { tf } from '../tf';

function plainModel(): tf.Sequential {
  const model = tf.sequential();
  BASE.hidden.forEach((units, i) => {
    model.add(tf.layers.dense({ units, useBias: false, ...(i === 0 ? { inputShape: [784] } : {}) }));
    model.add(tf.layers.batchNormalization({ ...BASE.normLayer }));
    model.add(tf.layers.activation({ activation: 'relu' }));
  });
  model.add(tf.layers.dense({ units: 10 }));
  return model;
}

async function main(): Promise<void> {
  const backend = await initBackend();
  const warmup = Number(process.env.BENCH_WARMUP ?? 300);
  const blocks = Number(process.env.BENCH_BLOCKS ?? 9);
  const stepsPerBlock = Number(process.env.BENCH_STEPS ?? 200);
  const data = new DataCache().get(BASE);
  const o = BASE.optimizer;
  const rows: string[][] = [];
  let loopRatio32 = NaN;
  let brnBn32 = NaN;
  let trainerName = '';
  for (const batch of [4, 32]) {
    const config = { ...BASE, batchSize: batch };
    // Plain tfjs-layers.
    const model = plainModel();
    const optimizer = tf.train.rmsprop(o.learningRate, o.decay, o.momentum, o.epsilon);
    const plainSampler = iidSampler(data.train.count, batch, 1);
    const plain = (n: number) => {
      for (let i = 0; i < n; i++) {
        const b = gatherBatch(data.train, plainSampler.next());
        trainStep(model, optimizer, b.x, b.labels, 10, null);
        tf.dispose([b.x, b.labels]);
      }
    };
    // The experiment loop.
    const loop = (variant: 'bn' | 'brn') => {
      const trainer: Trainer = trainerFor({ config, variant, seed: 1 }, data);
      trainerName = trainer.constructor.name;
      const sampler = iidSampler(data.train.count, batch, 1);
      const clip = variant === 'brn' ? { rmax: 3, dmax: 5 } : null;
      return {
        trainer,
        run: (n: number) => {
          for (let i = 0; i < n; i++) trainer.step(data.train, sampler.next(), clip, o.learningRate);
          trainer.readTally();
        },
      };
    };
    const bn = loop('bn');
    const brn = loop('brn');
    // One evaluation at the full profile's cadence, amortized per step.
    const evalMs = (() => {
      const t0 = process.hrtime.bigint();
      brn.trainer.inferenceAccuracy(data.validation);
      brn.trainer.batchStats(
        data.validation,
        sampledBatches(iidSampler(data.validation.count, batch, 9), BASE.evalBatches),
      );
      return Number(process.hrtime.bigint() - t0) / 1e6;
    })();
    const contenders = [
      { name: 'plain', run: plain },
      { name: 'bn', run: bn.run },
      { name: 'brn', run: brn.run },
    ];
    const timeBlock = (run: (n: number) => void) => {
      const t0 = process.hrtime.bigint();
      run(stepsPerBlock);
      return Number(process.hrtime.bigint() - t0) / 1e6 / stepsPerBlock;
    };
    for (const c of contenders) c.run(warmup);
    const times = contenders.map(() => [] as number[]);
    for (let b = 0; b < blocks; b++) {
      const order = b % 2 === 0 ? [0, 1, 2] : [2, 1, 0];
      for (const i of order) times[i].push(timeBlock(contenders[i].run));
    }
    const [plainMs, bnStep, brnStep] = times.map(median);
    const perEval = evalMs / BASE.evalEvery;
    const [bnMs, brnMs] = [bnStep + perEval, brnStep + perEval];
    if (batch === 32) {
      loopRatio32 = Math.max(bnMs, brnMs) / plainMs;
      brnBn32 = brnMs / bnMs;
    }
    rows.push([
      backend,
      String(batch),
      plainMs.toFixed(3),
      bnMs.toFixed(3),
      brnMs.toFixed(3),
      (evalMs / BASE.evalEvery).toFixed(3),
      (Math.max(bnMs, brnMs) / plainMs).toFixed(3),
      (brnMs / bnMs).toFixed(3),
    ]);
    bn.trainer.dispose();
    brn.trainer.dispose();
    optimizer.dispose();
    model.dispose();
  }
  const header = [
    'backend',
    'batch',
    'plain ms/step',
    'loop BN ms',
    'loop BRN ms',
    'of which eval',
    'loop/plain',
    'BRN/BN',
  ];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i])).join('  ');
  console.log(
    `Model-steps of the 784-100-100-100-10 MLP; median of ${blocks} alternating blocks of ${stepsPerBlock} steps after ${warmup} warm-up steps each.`,
  );
  console.log(
    `plain: tf.layers dense + batchNormalization + ReLU, RMSProp via optimizer.minimize. loop: sampling, step and tally through ${trainerName}, plus one evaluation per ${BASE.evalEvery} steps (amortized, column 'of which eval').`,
  );
  console.log(line(header));
  for (const r of rows) console.log(line(r));
  console.log(`brn/bn step-time ratio: ${brnBn32.toFixed(3)}`);
  console.log(`experiment loop / plain tfjs-layers step: ${loopRatio32.toFixed(3)}`);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
