/**
 * `make bench-peer`: the kit's experiment loop beside PyTorch on the same
 * core count (one thread each), the same models, the same work per step
 * (`peer_torch.py` says what that is), timed in one run in alternating blocks.
 * The median block of each contender is reported; neither side evaluates
 * inside the timed blocks.
 *
 * It writes the table to `<results-dir>/bench-peer.md` (the README and the
 * report show it). The last two lines are the headline ratios at minibatch 32 with BN:
 *   kit / PyTorch, MLP: X
 *   kit / PyTorch, conv: Y
 */
import { spawn, spawnSync, type ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { realpathSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { initBackend } from '../backend';
import { DataCache } from '../data/dataset';
import { iidSampler } from '../data/samplers';
import { findIdxFile } from '../data/idx';
import { IDX_FILES, mnistDataDir } from '../data/mnist';
import { writeFileAtomic } from '../io/atomic';
import { KIT_ROOT, kitPaths } from '../paths';
import { markdownTable } from '../report/table';
import { tf } from '../tf';
import { BASE, type ExperimentConfig } from '../protocol/config';
import { median } from '../results/stats';
import { trainerFor } from '../train/trainers';
import { benchFloor, floorLines } from './conv-kernels';

/** A Python with PyTorch: `BRN_PYTHON`, else Debian's, else the first `python3` on PATH. */
export function torchPython(): string | null {
  const candidates = [process.env.BRN_PYTHON, '/usr/bin/python3', 'python3'].filter((c): c is string => !!c);
  for (const python of candidates) {
    const r = spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8' });
    if (r.status === 0) return python;
  }
  return null;
}

/** The Python side, answering one line per command. */
class Peer {
  private readonly lines: AsyncIterator<string>;

  constructor(private readonly child: ChildProcessByStdio<Writable, Readable, null>) {
    this.lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  }

  async ask(command: string): Promise<string> {
    this.child.stdin.write(command + '\n');
    const { value, done } = await this.lines.next();
    if (done) throw new Error(`the PyTorch side exited while answering '${command}'`);
    if ((value as string).startsWith('error')) throw new Error(`PyTorch side: ${value}`);
    return value as string;
  }

  close(): void {
    this.child.stdin.end('quit\n');
  }
}

interface Case {
  model: 'mlp' | 'conv';
  norm: 'bn' | 'brn';
  batch: number;
}

const CASES: Case[] = (['mlp', 'conv'] as const).flatMap((model) =>
  [32, 4].flatMap((batch) => (['bn', 'brn'] as const).map((norm) => ({ model, norm, batch }))),
);

/** Which BLAS Debian's PyTorch links through the alternatives system (OpenBLAS once libopenblas0-pthread is in). */
function systemBlas(): string {
  try {
    const path = realpathSync('/usr/lib/x86_64-linux-gnu/libblas.so.3');
    return path.includes('openblas-pthread') ? 'OpenBLAS, pthread' : path;
  } catch {
    return 'unknown';
  }
}

/** The fraction of all cores' time spent busy over one second (before the benchmark starts: others' load). */
async function otherCpuUse(): Promise<number> {
  const sample = () =>
    cpus().reduce(
      (t, c) => ({
        busy: t.busy + c.times.user + c.times.nice + c.times.sys + c.times.irq,
        all: t.all + c.times.user + c.times.nice + c.times.sys + c.times.irq + c.times.idle,
      }),
      { busy: 0, all: 0 },
    );
  const a = sample();
  await new Promise((r) => setTimeout(r, 1000));
  const b = sample();
  return (b.busy - a.busy) / Math.max(1, b.all - a.all);
}

async function main(): Promise<void> {
  const python = torchPython();
  if (python === null) {
    console.error(
      "bench-peer needs PyTorch: Debian's python3-torch with libopenblas0-pthread (sudo apt-get install python3-torch libopenblas0-pthread), or set BRN_PYTHON to a python that imports torch",
    );
    process.exit(1);
  }
  const busy = await otherCpuUse();
  const blocks = Number(process.env.BENCH_BLOCKS ?? 7);
  const seconds = Number(process.env.BENCH_SECONDS ?? 1.5);
  const backend = await initBackend();
  const data = new DataCache().get(BASE);
  const dir = mnistDataDir();
  // One thread on each side: tfjs's wasm backend runs on one; PyTorch and its BLAS are held to one.
  const env = { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
  const script = join(KIT_ROOT, 'src', 'bench', 'peer_torch.py');
  const files = [findIdxFile(dir, IDX_FILES.trainImages), findIdxFile(dir, IDX_FILES.trainLabels)];
  const child = spawn(python, [script, ...files], { env, stdio: ['pipe', 'pipe', 'inherit'] });
  const peer = new Peer(child);
  const torchVersion = spawnSync(python, ['-c', 'import torch; print(torch.__version__)'], {
    encoding: 'utf8',
  }).stdout.trim();
  const rows: { c: Case; kit: number; torch: number }[] = [];
  try {
    for (const [i, c] of CASES.entries()) {
      const key = `case${i}`;
      await peer.ask(`setup ${key} ${c.model} ${c.norm} ${c.batch}`);
      const config: ExperimentConfig = { ...BASE, architecture: c.model, batchSize: c.batch };
      const trainer = trainerFor({ config, variant: c.norm, seed: 1 }, data);
      const sampler = iidSampler(data.train.count, c.batch, 1);
      const clip = c.norm === 'brn' ? { rmax: 3, dmax: 5 } : null;
      const kitBlock = (steps: number) => {
        const t0 = process.hrtime.bigint();
        for (let s = 0; s < steps; s++) trainer.step(data.train, sampler.next(), clip, BASE.optimizer.learningRate);
        trainer.readTally();
        return Number(process.hrtime.bigint() - t0) / 1e6;
      };
      const torchBlock = async (steps: number) => Number(await peer.ask(`run ${key} ${steps}`));
      // Warm-up, and a block length of about `seconds` for the kit.
      const probe = Math.max(2, Math.round(20 / (c.model === 'conv' ? 4 : 1)));
      const perStep = kitBlock(probe) / probe;
      await torchBlock(probe);
      const steps = Math.max(5, Math.round((1000 * seconds) / perStep));
      const kit: number[] = [];
      const torch: number[] = [];
      for (let b = 0; b < blocks; b++) {
        const order = b % 2 === 0 ? ['kit', 'torch'] : ['torch', 'kit'];
        for (const who of order) {
          if (who === 'kit') kit.push(kitBlock(steps) / steps);
          else torch.push((await torchBlock(steps)) / steps);
        }
      }
      rows.push({ c, kit: median(kit), torch: median(torch) });
      trainer.dispose();
    }
  } finally {
    peer.close();
  }
  const header = ['model', 'normalization', 'batch', 'kit ms/step', 'PyTorch ms/step', 'kit / PyTorch'];
  const cells = rows.map((r) => [
    r.c.model,
    r.c.norm.toUpperCase(),
    String(r.c.batch),
    r.kit.toFixed(3),
    r.torch.toFixed(3),
    (r.kit / r.torch).toFixed(2),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) => c.map((v, i) => v.padStart(widths[i])).join('  ');
  console.log(
    `One training step (minibatch draw, forward, backward, RMSProp, parameter average, tally), one thread each;`,
  );
  console.log(
    `median of ${blocks} alternating blocks of about ${seconds} s. kit: tfjs ${backend} backend, fused trainers; PyTorch ${torchVersion} (${python}), ${cpus()[0]?.model ?? 'unknown CPU'}.`,
  );
  console.log(line(header));
  for (const c of cells) console.log(line(c));
  const ratio = (model: string, norm: string) => {
    const r = rows.find((x) => x.c.model === model && x.c.norm === norm && x.c.batch === 32)!;
    return (r.kit / r.torch).toFixed(2);
  };
  // The floor: the conv step's matrix arithmetic at the kit's gemm rate, measured in this run.
  const floor = floorLines(benchFloor(blocks));
  for (const l of floor) console.log(l);
  const md = [
    `Measured by \`make bench-peer\` on ${new Date().toISOString().slice(0, 10)}: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, the cores ${(100 * busy).toFixed(0)}% busy in the second before it started; one thread each; tfjs ${tf.version.tfjs} (${backend} backend, the kit's fused trainers) against PyTorch ${torchVersion} (system BLAS: ${systemBlas()}). One training step: a minibatch drawn from the training set in memory, forward, backward, RMSProp, the parameter average, the tally; neither side evaluates inside the timed blocks. Median of ${blocks} alternating blocks of about ${seconds} s each.`,
    '',
    markdownTable(
      rows.map((r) => ({
        Model: r.c.model === 'mlp' ? 'MLP 784-100-100-100-10' : 'conv (5×5×16, pool, 5×5×32, pool, 100, 10)',
        Normalization: r.c.norm.toUpperCase(),
        Minibatch: String(r.c.batch),
        'kit, ms/step': r.kit.toFixed(2),
        'PyTorch, ms/step': r.torch.toFixed(2),
        'kit / PyTorch': (r.kit / r.torch).toFixed(2),
      })),
    ),
    '',
    ...floor,
    '',
  ].join('\n');
  const out = join(kitPaths().resultsDir, 'bench-peer.md');
  writeFileAtomic(out, md);
  console.log(`wrote ${out}`);
  console.log(`kit / PyTorch with BRN at minibatch 32: MLP ${ratio('mlp', 'brn')}, conv ${ratio('conv', 'brn')}`);
  console.log(`kit / PyTorch, MLP: ${ratio('mlp', 'bn')}`);
  console.log(`kit / PyTorch, conv: ${ratio('conv', 'bn')}`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
