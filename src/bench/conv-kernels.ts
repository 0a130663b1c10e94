/**
 * `make bench`, second part: the conv model's five convolution kernels per
 * training step at minibatch 32, tfjs's way and the kit's, beside the wasm
 * matrix product's rate measured in the same run, and the conv step itself.
 *
 * - tfjs: `tf.conv2d` forward; the input gradient as `tf.conv2d` of ∂ℓ/∂y
 *   with the kernel flipped (flipped outside the timing); the weight gradient
 *   as one more `tf.conv2d` of the padded input with batch and channels
 *   swapped (a `tf.pad` and three `tf.transpose`), as the trainer did before
 *   the kit's kernels;
 * - kit: `convSameOp` and `convSameFilterOp` (`kernels/conv-gemm.ts`).
 *
 * The floor is the step's convolution arithmetic (useful multiply-adds only)
 * at the rate of the kit's `gemm` on the largest product of the step's shape
 * (conv2's, as one im2col product [N·14·14, 400]·[400, 32]); the step's
 * distance from it is what is left to win. Contenders are timed in
 * alternating blocks and the median block is reported. Writes
 * data/results/bench-conv.md.
 */
import { cpus } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '../backend';
import { DataCache } from '../data/dataset';
import { iidSampler } from '../data/samplers';
import { writeFileAtomic } from '../io/atomic';
import { convSameFilterOp, convSameOp, matMulOp } from '../kernels';
import { kitPaths } from '../paths';
import { BASE } from '../protocol/config';
import { median } from '../results/stats';
import { markdownTable } from '../report/table';
import { tf } from '../tf';
import { trainerFor } from '../train/trainers';

const N = 32;
const K = 5;

/** ∂ℓ/∂W as tfjs ops: conv2d(pad(x) as [Cin, H+2p, W+2p, N], ∂ℓ/∂y as [H, W, N, Cout], 'valid'). */
function weightGradientByTfjs(x: tf.Tensor, dy: tf.Tensor, k: number): tf.Tensor {
  const p = (k - 1) / 2;
  const padded = tf.pad(x, [
    [0, 0],
    [p, p],
    [p, p],
    [0, 0],
  ]);
  const input = tf.transpose(padded, [3, 1, 2, 0]) as tf.Tensor4D;
  const kernel = tf.transpose(dy, [1, 2, 0, 3]) as tf.Tensor4D;
  return tf.transpose(tf.conv2d(input, kernel, 1, 'valid'), [1, 2, 0, 3]);
}

/** ms per call of `n` calls of f, each in a tidy, the last one read back. */
function timeCalls(f: () => tf.Tensor, n: number): number {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++)
    tf.tidy(() => {
      const r = f();
      if (i === n - 1) r.dataSync();
    });
  return Number(process.hrtime.bigint() - t0) / 1e6 / n;
}

/** ms per call of each contender: alternating blocks of `reps` calls after a warm-up, the median block. */
function timeAlternating(contenders: (() => tf.Tensor)[], reps: number, blocks: number): number[] {
  for (const f of contenders) timeCalls(f, 3);
  const times = contenders.map(() => [] as number[]);
  for (let b = 0; b < blocks; b++) {
    const order = contenders.map((_, i) => i);
    if (b % 2 === 1) order.reverse();
    for (const i of order) times[i].push(timeCalls(contenders[i], reps));
  }
  return times.map(median);
}

interface KernelCase {
  name: string;
  shape: string;
  flops: number;
  tfjs: () => tf.Tensor;
  kit: () => tf.Tensor;
}

/** Multiply-adds ×2 of one conv1 kernel (forward or weight gradient) and one conv2 kernel, minibatch N. */
const CONV1_FLOPS = 2 * N * 28 * 28 * K * K * 16;
const CONV2_FLOPS = 2 * N * 14 * 14 * K * K * 16 * 32;

/** The conv model's products per step other than the convolutions: dense 1568→100 and 100→10, forward and both gradients. */
const DENSE_FLOPS = 3 * 2 * N * (7 * 7 * 32 * 100 + 100 * 10);

export interface ConvKernelBench {
  /** Per kernel: [tfjs ms, kit ms]. */
  cases: { name: string; shape: string; flops: number; tfjsMs: number; kitMs: number }[];
}

/** The step's floor and the step, measured in alternating blocks (so that a slower or busier spell of the machine weighs on both). */
export interface ConvFloor {
  gemmMs: number;
  blocks: number;
  /** The kit's gemm on conv2's shape as one product, GFLOP/s. */
  gemmRate: number;
  /** All of a conv step's matrix arithmetic (the five convolutions and the dense layers), MFLOP. */
  stepMflop: number;
  /** That arithmetic at `gemmRate`, ms: the step's floor. */
  floorMs: number;
  /** The conv step (BN, minibatch 32) through the experiments' trainer, ms. */
  stepMs: number;
}

/** Times the five kernels both ways, in alternating blocks (the backend must be up). */
export function benchConvKernels(blocks: number, reps: number): ConvKernelBench {
  const r = (shape: number[]) => tf.randomNormal(shape, 0, 1, 'float32', 7);
  const x1 = r([N, 28, 28, 1]);
  const w1 = r([K, K, 1, 16]);
  const dy1 = r([N, 28, 28, 16]);
  const x2 = tf.relu(r([N, 14, 14, 16]));
  const w2 = r([K, K, 16, 32]);
  const dy2 = r([N, 14, 14, 32]);
  const flipped = tf.transpose(tf.reverse(w2, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D;
  const [f1, f2] = [CONV1_FLOPS, CONV2_FLOPS];
  const kernels: KernelCase[] = [
    {
      name: 'conv1 forward',
      shape: `[${N},28,28,1] ⊛ 5×5×1×16`,
      flops: f1,
      tfjs: () => tf.conv2d(x1 as tf.Tensor4D, w1 as tf.Tensor4D, 1, 'same'),
      kit: () => convSameOp(x1, w1),
    },
    {
      name: 'conv1 weight gradient',
      shape: '5×5×1×16',
      flops: f1,
      tfjs: () => weightGradientByTfjs(x1, dy1, K),
      kit: () => convSameFilterOp(x1, dy1, K),
    },
    {
      name: 'conv2 forward',
      shape: `[${N},14,14,16] ⊛ 5×5×16×32`,
      flops: f2,
      tfjs: () => tf.conv2d(x2 as tf.Tensor4D, w2 as tf.Tensor4D, 1, 'same'),
      kit: () => convSameOp(x2, w2),
    },
    {
      name: 'conv2 input gradient',
      shape: `[${N},14,14,32] → [${N},14,14,16]`,
      flops: f2,
      tfjs: () => tf.conv2d(dy2 as tf.Tensor4D, flipped, 1, 'same'),
      kit: () => convSameOp(dy2, w2, true),
    },
    {
      name: 'conv2 weight gradient',
      shape: '5×5×16×32',
      flops: f2,
      tfjs: () => weightGradientByTfjs(x2, dy2, K),
      kit: () => convSameFilterOp(x2, dy2, K),
    },
  ];
  const cases = kernels.map((c) => {
    const [tfjsMs, kitMs] = timeAlternating([c.tfjs, c.kit], reps, blocks);
    return { name: c.name, shape: c.shape, flops: c.flops, tfjsMs, kitMs };
  });
  tf.dispose([x1, w1, dy1, x2, w2, dy2, flipped]);
  return { cases };
}

/** The floor's lines: the gemm's rate, the step's arithmetic, and the step's distance from it. */
export function floorLines(bench: ConvFloor): string[] {
  return [
    `- The kit's \`gemm\` on [${N}·14·14, 400]·[400, 32] (conv2 as one im2col product): ${bench.gemmMs.toFixed(2)} ms, ${bench.gemmRate.toFixed(1)} GFLOP/s.`,
    `- Floor: a conv step's matrix arithmetic (the five convolutions and the dense layers, ${bench.stepMflop.toFixed(0)} MFLOP) at that rate: ${bench.floorMs.toFixed(2)} ms.`,
    `- The conv step (BN, minibatch ${N}), timed in blocks of 40 steps alternating with the gemm's blocks of 20 calls (medians of ${bench.blocks} each): ${bench.stepMs.toFixed(2)} ms, ${(bench.stepMs / bench.floorMs).toFixed(2)}× the floor.`,
  ];
}

/**
 * The floor and the step: the kit's gemm on conv2's shape as one im2col
 * product [N·14·14, 400]·[400, 32] (blocks of 20 calls) and the conv step (BN,
 * minibatch 32, through the experiments' trainer; blocks of 40 steps), the
 * blocks alternating, each the median of `blocks`.
 */
export function benchFloor(blocks: number): ConvFloor {
  const a = tf.randomNormal([N * 14 * 14, K * K * 16], 0, 1, 'float32', 7);
  const b = tf.randomNormal([K * K * 16, 32], 0, 1, 'float32', 8);
  const gemmBlock = (calls: number) => timeCalls(() => matMulOp(a, b), calls);
  const data = new DataCache().get(BASE);
  const config = { ...BASE, architecture: 'conv' as const, batchSize: N };
  const trainer = trainerFor({ config, variant: 'bn', seed: 1 }, data);
  const sampler = iidSampler(data.train.count, N, 1);
  const stepBlock = (steps: number) => {
    const t0 = process.hrtime.bigint();
    for (let s = 0; s < steps; s++) trainer.step(data.train, sampler.next(), null, BASE.optimizer.learningRate);
    trainer.readTally();
    return Number(process.hrtime.bigint() - t0) / 1e6 / steps;
  };
  gemmBlock(3);
  stepBlock(10);
  const [gemm, step] = [[] as number[], [] as number[]];
  for (let i = 0; i < blocks; i++) {
    if (i % 2 === 0) gemm.push(gemmBlock(20));
    step.push(stepBlock(40));
    if (i % 2 === 1) gemm.push(gemmBlock(20));
  }
  trainer.dispose();
  tf.dispose([a, b]);
  const gemmMs = median(gemm);
  const gemmRate = CONV2_FLOPS / gemmMs / 1e6;
  // The five convolutions (conv1 forward and weight gradient; conv2 forward, input and weight gradients) and the dense layers.
  const stepFlops = 2 * CONV1_FLOPS + 3 * CONV2_FLOPS + DENSE_FLOPS;
  return {
    blocks,
    gemmMs,
    gemmRate,
    stepMflop: stepFlops / 1e6,
    floorMs: stepFlops / gemmRate / 1e6,
    stepMs: median(step),
  };
}

async function main(): Promise<void> {
  const backend = await initBackend();
  const blocks = Number(process.env.BENCH_BLOCKS ?? 9);
  const reps = Number(process.env.BENCH_REPS ?? 20);
  const bench = benchConvKernels(blocks, reps);
  const floor = benchFloor(blocks);
  const sum = (pick: (c: ConvKernelBench['cases'][number]) => number) => bench.cases.reduce((s, c) => s + pick(c), 0);
  const convFlops = sum((c) => c.flops);
  const [tfjsMs, kitMs] = [sum((c) => c.tfjsMs), sum((c) => c.kitMs)];
  const row = (name: string, shape: string, flops: number, t: number, k: number) => ({
    Kernel: name,
    Shape: shape,
    MFLOP: (flops / 1e6).toFixed(1),
    'tfjs, ms': t.toFixed(2),
    'tfjs, GFLOP/s': (flops / t / 1e6).toFixed(1),
    'kit, ms': k.toFixed(2),
    'kit, GFLOP/s': (flops / k / 1e6).toFixed(1),
    'kit / tfjs': (k / t).toFixed(2),
  });
  const rows = bench.cases.map((c) => row(c.name, c.shape, c.flops, c.tfjsMs, c.kitMs));
  rows.push(row('the five', '', convFlops, tfjsMs, kitMs));
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const text = [
    `Measured by \`make bench\` on ${new Date().toISOString().slice(0, 10)}: ${cpus().length} × ${cpu}, one thread; tfjs ${tf.version.tfjs}, ${backend} backend; minibatch ${N}; median of ${blocks} alternating blocks of ${reps} calls. tfjs: \`tf.conv2d\` forward and for the input gradient (kernel flipped outside the timing), and for the weight gradient a \`tf.conv2d\` of the padded input with batch and channels swapped (a \`tf.pad\`, three \`tf.transpose\`); kit: \`convSameOp\` and \`convSameFilterOp\`, what the conv trainer runs.`,
    '',
    markdownTable(rows),
    '',
    ...floorLines(floor),
    `- In that step the five kernels take ${kitMs.toFixed(2)} ms (${((100 * kitMs) / floor.stepMs).toFixed(0)}%, their times from the table).`,
    '',
  ].join('\n');
  console.log(text);
  const out = join(kitPaths().resultsDir, 'bench-conv.md');
  writeFileAtomic(out, text);
  console.log(`wrote ${out}`);
}

// Run as `make bench`'s second part, not when peer.ts imports the measurement.
if (require.main === module)
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  });
