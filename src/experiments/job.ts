/**
 * One (experiment, variant, seed) job: trains, evaluates every `evalEvery`
 * steps, and writes its metrics as JSON lines.
 *
 * Files, under `<runsDir>/<profile>/<experiment>/`:
 * - `<variant>-seed<N>.jsonl`: the finished job (header, one line per
 *   evaluation, a final line with test accuracy), written to a temporary file
 *   and renamed, so a file under this name is always complete;
 * - `<variant>-seed<N>.partial.jsonl` and `….ckpt.json`: progress and the
 *   last checkpoint of an unfinished job. A re-run resumes from the
 *   checkpoint (the partial log is cut back to it) and reproduces exactly the
 *   numbers an uninterrupted run would have given; without a checkpoint it
 *   restarts cleanly.
 */
import { appendFileSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { activeBackend } from '../backend';
import { disposeData, gatherBatch, prepareData, type ExperimentData } from '../data/dataset';
import { iidSampler, labelGroupedSampler, type BatchSampler } from '../data/samplers';
import { writeFileAtomic, writeJsonAtomic } from '../io';
import { buildModel } from '../models';
import type { RenormDiagnostics } from '../renorm/layer';
import { renormClipAt, renormLayers } from '../renorm/schedule';
import { tf } from '../tf';
import type { DeviceSplit } from '../data/dataset';
import { validateConfig, type ExperimentConfig, type Profile, type Variant } from './config';
import { batchStatsEvaluation, inferenceAccuracy, type BatchStatsEvaluation } from './evaluate';
import { TrainingTally, trainStep } from './step';

export interface JobSpec {
  profile: Profile;
  /** The experiment's config, already in `profile`. */
  config: ExperimentConfig;
  variant: Variant;
  seed: number;
  runsDir: string;
}

export interface HeaderRecord {
  kind: 'header';
  job: string;
  profile: Profile;
  experiment: string;
  variant: Variant;
  seed: number;
  backend: string;
  dataSource: string;
  config: ExperimentConfig;
}

export interface EvalRecord {
  kind: 'eval';
  step: number;
  /** Clipping in force for the last step (null for BN, which is not ramped). */
  rmax: number | null;
  dmax: number | null;
  learningRate: number;
  /** Mean training loss and accuracy since the previous evaluation (null at step 0). */
  trainLoss: number | null;
  trainAccuracy: number | null;
  /** Validation accuracy in inference mode (moving statistics). */
  validationAccuracy: number;
  /** Validation minibatches drawn like the training ones, in training mode (minibatch statistics). */
  batchStats: BatchStatsEvaluation;
  /** r/d diagnostics of each normalization layer at the last training step. */
  renorm: (RenormDiagnostics & { layer: string })[];
  timing: { msPerStep: number | null; elapsedSeconds: number };
}

export interface FinalRecord {
  kind: 'final';
  step: number;
  validationAccuracy: number;
  testAccuracy: number;
  /** Test minibatches drawn like the training ones, in training mode. */
  testBatchStats: BatchStatsEvaluation;
  timing: { msPerStep: number; trainSeconds: number; totalSeconds: number; resumedFromStep: number };
}

export type JobRecord = HeaderRecord | EvalRecord | FinalRecord;

export interface JobProgress {
  job: string;
  step: number;
  steps: number;
  validationAccuracy: number | null;
  msPerStep: number | null;
}

export interface JobHooks {
  onProgress?: (p: JobProgress) => void;
  /** For tests: throw after this many steps, as if the process were killed. */
  interruptAfterStep?: number;
}

export function jobId(spec: Pick<JobSpec, 'profile' | 'config' | 'variant' | 'seed'>): string {
  return `${spec.profile}/${spec.config.name}/${spec.variant}-seed${spec.seed}`;
}

export function jobPaths(spec: JobSpec): { final: string; partial: string; checkpoint: string } {
  const base = join(spec.runsDir, spec.profile, spec.config.name, `${spec.variant}-seed${spec.seed}`);
  return { final: `${base}.jsonl`, partial: `${base}.partial.jsonl`, checkpoint: `${base}.ckpt.json` };
}

export function readJobRecords(path: string): JobRecord[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as JobRecord);
}

export class InterruptedForTest extends Error {}

/** The header and evaluations of a partial log; a line cut short by an interruption is dropped. */
function readPartial(path: string): { header: HeaderRecord; evals: EvalRecord[] } | null {
  const records: JobRecord[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    try {
      records.push(JSON.parse(line) as JobRecord);
    } catch {
      break;
    }
  }
  const header = records.find((r): r is HeaderRecord => r.kind === 'header');
  return header === undefined ? null : { header, evals: records.filter((r): r is EvalRecord => r.kind === 'eval') };
}

let dataCache: { key: string; data: ExperimentData } | null = null;

/** The job's data, loaded once per process for each (data directory, split). */
function dataFor(config: ExperimentConfig): ExperimentData {
  const key = JSON.stringify([config.dataDir, config.validationSize, config.splitSeed]);
  if (dataCache?.key !== key) {
    if (dataCache !== null) disposeData(dataCache.data);
    dataCache = { key, data: prepareData(config) };
  }
  return dataCache.data;
}

function makeSampler(config: ExperimentConfig, split: DeviceSplit, seed: number): BatchSampler {
  return config.sampler.kind === 'iid'
    ? iidSampler(split.count, config.batchSize, seed)
    : labelGroupedSampler(split.hostLabels, config.sampler, seed);
}

/** Seeds of the fixed minibatches used for batch-statistics evaluation (same for every variant). */
const EVAL_SEED_OFFSET = 1_000_003;

interface Checkpoint {
  step: number;
  weights: { shape: number[]; data: string }[];
  optimizer: { name: string; shape: number[]; data: string }[];
  trainSeconds: number;
}

function encode(t: tf.Tensor): string {
  return Buffer.from((t.dataSync() as Float32Array).buffer.slice(0)).toString('base64');
}

function decode(data: string, shape: number[]): tf.Tensor {
  const buf = Buffer.from(data, 'base64');
  return tf.tensor(new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4), shape);
}

/** Trains and evaluates one job, or returns at once if its finished file exists. */
export async function runJob(spec: JobSpec, hooks: JobHooks = {}): Promise<{ path: string; skipped: boolean }> {
  validateConfig(spec.config);
  const paths = jobPaths(spec);
  if (existsSync(paths.final)) return { path: paths.final, skipped: true };
  const { config, variant, seed } = spec;
  const id = jobId(spec);
  const started = process.hrtime.bigint();
  const elapsed = () => Number(process.hrtime.bigint() - started) / 1e9;
  const data = dataFor(config);

  const model = buildModel(
    {
      architecture: config.architecture,
      hidden: config.hidden,
      normalization: variant,
      microbatchSize: config.microbatchSize,
      momentum: config.momentum,
      epsilon: config.epsilon,
      imageSize: data.imageSize,
      classes: data.classes,
    },
    seed,
  );
  const layers = renormLayers(model);
  const o = config.optimizer;
  const optimizer = tf.train.rmsprop(o.learningRate, o.decay, o.momentum, o.epsilon);
  const learningRateAt = (step: number) => o.learningRate * o.lrDecayFactor ** Math.floor(step / o.lrDecaySteps);
  const sampler = makeSampler(config, data.train, seed);
  const tally = new TrainingTally();

  let step = 0;
  let trainSeconds = 0;
  let lines: string[] = [];
  const header: HeaderRecord = { kind: 'header', job: id, profile: spec.profile, experiment: config.name, variant, seed, backend: activeBackend(), dataSource: data.source, config };
  const resumable = existsSync(paths.checkpoint) && existsSync(paths.partial) ? readPartial(paths.partial) : null;
  if (resumable !== null && JSON.stringify(resumable.header.config) === JSON.stringify(config) && resumable.header.backend === header.backend) {
    const ckpt = JSON.parse(readFileSync(paths.checkpoint, 'utf8')) as Checkpoint;
    const weights = ckpt.weights.map((w) => decode(w.data, w.shape));
    model.setWeights(weights);
    tf.dispose(weights);
    await optimizer.setWeights(ckpt.optimizer.map((w) => ({ name: w.name, tensor: decode(w.data, w.shape) })));
    step = ckpt.step;
    trainSeconds = ckpt.trainSeconds;
    sampler.skip(step);
    lines = [JSON.stringify(resumable.header), ...resumable.evals.filter((r) => r.step <= step).map((r) => JSON.stringify(r))];
  } else {
    // No checkpoint, or one made with another config or backend: start again.
    rmSync(paths.checkpoint, { force: true });
    lines = [JSON.stringify(header)];
  }
  const resumedFromStep = step;
  writeFileAtomic(paths.partial, lines.map((l) => l + '\n').join(''));
  const append = (record: JobRecord) => {
    const line = JSON.stringify(record);
    lines.push(line);
    appendFileSync(paths.partial, line + '\n');
  };

  const evaluate = (split: DeviceSplit, batches: number) =>
    batchStatsEvaluation(model, layers, split, makeSampler(config, split, seed + EVAL_SEED_OFFSET), batches);
  let intervalSteps = 0;
  let intervalSeconds = 0;
  const evalRecord = (): EvalRecord => {
    const clip = variant === 'brn' ? renormClipAt(Math.max(0, step - 1), config.ramp) : null;
    const train = step === 0 ? null : tally.read();
    const validationAccuracy = inferenceAccuracy(model, data.validation);
    const record: EvalRecord = {
      kind: 'eval',
      step,
      rmax: clip?.rmax ?? null,
      dmax: clip?.dmax ?? null,
      learningRate: learningRateAt(Math.max(0, step - 1)),
      trainLoss: train?.loss ?? null,
      trainAccuracy: train?.accuracy ?? null,
      validationAccuracy,
      batchStats: evaluate(data.validation, config.evalBatches),
      renorm: step === 0 ? [] : layers.map((l) => ({ layer: l.name, ...l.diagnostics()! })),
      timing: { msPerStep: intervalSteps === 0 ? null : (1000 * intervalSeconds) / intervalSteps, elapsedSeconds: elapsed() },
    };
    intervalSteps = 0;
    intervalSeconds = 0;
    return record;
  };

  let lastValidationAccuracy = NaN;
  if (step === 0) append(evalRecord());
  hooks.onProgress?.({ job: id, step, steps: config.steps, validationAccuracy: null, msPerStep: null });
  try {
    while (step < config.steps) {
      if (hooks.interruptAfterStep !== undefined && step >= hooks.interruptAfterStep) throw new InterruptedForTest(`${id}: interrupted at step ${step}`);
      const t0 = process.hrtime.bigint();
      if (variant === 'brn') {
        const clip = renormClipAt(step, config.ramp);
        for (const l of layers) l.setClipping(clip);
      }
      (optimizer as unknown as { learningRate: number }).learningRate = learningRateAt(step);
      const batch = gatherBatch(data.train, sampler.next());
      trainStep(model, optimizer, batch.x, batch.labels, data.classes, tally);
      tf.dispose([batch.x, batch.labels]);
      step++;
      const dt = Number(process.hrtime.bigint() - t0) / 1e9;
      intervalSeconds += dt;
      trainSeconds += dt;
      intervalSteps++;
      if (step % config.evalEvery === 0 || step === config.steps) {
        const record = evalRecord();
        lastValidationAccuracy = record.validationAccuracy;
        append(record);
        hooks.onProgress?.({ job: id, step, steps: config.steps, validationAccuracy: record.validationAccuracy, msPerStep: record.timing.msPerStep });
      }
      if (step % config.checkpointEvery === 0 && step < config.steps) {
        // Checkpoints fall on evaluation steps (validateConfig), so the training tally is empty.
        const ckpt: Checkpoint = {
          step,
          trainSeconds,
          weights: model.getWeights().map((w) => ({ shape: w.shape, data: encode(w) })),
          optimizer: (await optimizer.getWeights()).map((w) => ({ name: w.name, shape: w.tensor.shape, data: encode(w.tensor) })),
        };
        writeJsonAtomic(paths.checkpoint, ckpt);
      }
    }
    const final: FinalRecord = {
      kind: 'final',
      step,
      // The last step always ends with an evaluation.
      validationAccuracy: lastValidationAccuracy,
      testAccuracy: inferenceAccuracy(model, data.test),
      testBatchStats: evaluate(data.test, Math.floor(data.test.count / config.batchSize)),
      timing: { msPerStep: (1000 * trainSeconds) / config.steps, trainSeconds, totalSeconds: elapsed(), resumedFromStep },
    };
    lines.push(JSON.stringify(final));
    writeFileAtomic(paths.final, lines.map((l) => l + '\n').join(''));
    rmSync(paths.partial, { force: true });
    rmSync(paths.checkpoint, { force: true });
    return { path: paths.final, skipped: false };
  } finally {
    tally.dispose();
    optimizer.dispose();
    model.dispose();
  }
}

/** The records without their timing fields, to compare two runs. */
export function withoutTiming(records: JobRecord[]): unknown[] {
  return records.map((r) => {
    const { timing: _timing, ...rest } = r as JobRecord & { timing?: unknown };
    return rest;
  });
}

