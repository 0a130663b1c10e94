/**
 * One (experiment, variant, seed) job: the training loop. It trains, evaluates
 * every `evalEvery` steps, checkpoints every `checkpointEvery` steps, and
 * writes its metrics as JSON lines (`records.ts`). A re-run of an interrupted
 * job resumes from its checkpoint (`checkpoint.ts`) and reproduces exactly the
 * numbers an uninterrupted run would have given.
 */
import { appendFileSync, existsSync, rmSync } from 'node:fs';
import { activeBackend } from '../backend';
import type { DeviceSplit, ExperimentData } from '../data/dataset';
import { coveringBatches, iidSampler, labelGroupedSampler, sampledBatches, type BatchSampler } from '../data/samplers';
import { writeFileAtomic } from '../io/atomic';
import { learningRateAt } from '../renorm/schedule';
import { resumeOrStart, saveCheckpoint } from './checkpoint';
import type { ExperimentConfig } from './config';
import { tryLock, type LockOwner } from './lock';
import { checkFinishedMatches, jobId, jobPaths, type EvalRecord, type FinalRecord, type HeaderRecord, type JobProgress, type JobRecord, type JobSpec } from './records';
import { fusedKernelsAvailable } from '../kernels';
import { FUSED_NORMALIZATIONS, FusedMlpTrainer } from './fused-trainer';
import { LayersTrainer, STANDARD_EVAL, type EvalWeights, type Trainer } from './trainer';
import { normalizationOf, variantClipAt } from './variants';

export interface JobHooks {
  onProgress?: (p: JobProgress) => void;
  /** Called before each training step (with the number of steps done). */
  beforeStep?: (step: number) => void;
}

function makeSampler(config: ExperimentConfig, split: DeviceSplit, seed: number): BatchSampler {
  return config.sampler.kind === 'iid' ? iidSampler(split.count, config.batchSize, seed) : labelGroupedSampler(split.hostLabels, config.sampler, seed);
}

/** Seeds of the fixed minibatches used for batch-statistics evaluation (same for every variant). */
const EVAL_SEED_OFFSET = 1_000_003;

/** How a job trains: the fused kernels, or tfjs-layers. Recorded in the log; part of the job's identity. */
export type TrainerKind = 'fused' | 'layers';

/**
 * The trainer kind for a job: the MLP through the fused kernels where the
 * backend has them (wasm, cpu), everything else (tfjs-node, the conv model,
 * bn-tfjs) through tfjs-layers. `BRN_TRAINER=layers` (or `fused`) forces one.
 */
export function trainerKind(spec: Pick<JobSpec, 'config' | 'variant'>): TrainerKind {
  const forced = process.env.BRN_TRAINER ?? '';
  if (!['', 'fused', 'layers'].includes(forced)) throw new Error(`BRN_TRAINER must be 'fused' or 'layers', got '${forced}'`);
  const canFuse = fusedKernelsAvailable() && spec.config.architecture === 'mlp' && (FUSED_NORMALIZATIONS as readonly string[]).includes(normalizationOf(spec.variant));
  if (forced === 'fused' && !canFuse) throw new Error(`BRN_TRAINER=fused, but the fused trainer needs the mlp with ${FUSED_NORMALIZATIONS.join(', ')} on wasm or cpu`);
  return forced === 'layers' || !canFuse ? 'layers' : 'fused';
}

export function trainerFor(spec: Pick<JobSpec, 'config' | 'variant' | 'seed'>, data: ExperimentData): Trainer {
  const { config } = spec;
  const model = { architecture: config.architecture, hidden: config.hidden, normalization: normalizationOf(spec.variant), microbatchSize: config.microbatchSize, normLayer: config.normLayer, imageSize: data.imageSize, classes: data.classes };
  const Kind = trainerKind(spec) === 'fused' ? FusedMlpTrainer : LayersTrainer;
  return new Kind(model, spec.seed, config.optimizer, config.emaDecay);
}

export interface JobOutcome {
  path: string;
  /** The finished log existed (made with the same config, backend and data). */
  skipped: boolean;
  /** Another live process holds the job's lock: nothing was done. */
  busy?: LockOwner;
}

/**
 * Trains and evaluates one job on `data` (validated config). Returns at once
 * when its finished log exists and matches (or throws, naming what differs),
 * and when another process is training it.
 */
export async function runJob(spec: JobSpec, data: ExperimentData, hooks: JobHooks = {}): Promise<JobOutcome> {
  const paths = jobPaths(spec);
  const { config, variant, seed } = spec;
  const id = jobId(spec);
  const header: HeaderRecord = { kind: 'header', job: id, profile: spec.profile, experiment: config.name, variant, seed, backend: activeBackend(), trainer: trainerKind(spec), dataSource: data.source, data: spec.data, config };
  const finished = () => {
    checkFinishedMatches(paths.final, header);
    return { path: paths.final, skipped: true };
  };
  if (existsSync(paths.final)) return finished();
  const lock = tryLock(paths.lock);
  if ('heldBy' in lock) return { path: paths.final, skipped: false, busy: lock.heldBy };
  const started = process.hrtime.bigint();
  const elapsed = () => Number(process.hrtime.bigint() - started) / 1e9;
  let held: Trainer | null = null;
  try {
    // Another process may have finished it between the check and the lock.
    if (existsSync(paths.final)) return finished();
    const trainer = (held = trainerFor(spec, data));
    const sampler = makeSampler(config, data.train, seed);
    const clipAt = (step: number) => variantClipAt(variant, step, config.ramp);
    const start = await resumeOrStart(paths, header, trainer);
    let { step, trainSeconds } = start;
    const resumedFromStep = step;
    sampler.skip(step);
    const lines = start.records.map((r) => JSON.stringify(r));
    writeFileAtomic(paths.partial, lines.map((l) => l + '\n').join(''));
    const append = (record: JobRecord) => {
      lines.push(JSON.stringify(record));
      appendFileSync(paths.partial, lines[lines.length - 1] + '\n');
    };
    // What each evaluation measures: every job with its values and with their
    // moving average; a BN job also as standard batchnorm (moving variance) and,
    // on label-grouped experiments, with the statistics of i.i.d. minibatches.
    const isBn = variant === 'bn';
    const iidStats = isBn && config.batchStatsVariant && config.sampler.kind !== 'iid';
    const AVERAGE: EvalWeights = { average: true, statistics: 'stddev' };
    const VARIANCE: EvalWeights = { average: false, statistics: 'variance' };
    const AVERAGE_VARIANCE: EvalWeights = { average: true, statistics: 'variance' };
    const evalSeed = seed + EVAL_SEED_OFFSET;
    // Minibatches drawn like the training ones (the same for every evaluation and variant).
    const drawnLikeTraining = (split: DeviceSplit, batches: number) => sampledBatches(makeSampler(config, split, evalSeed), batches);
    const validationBatches = drawnLikeTraining(data.validation, config.evalBatches);
    const validationIid = iidStats ? sampledBatches(iidSampler(data.validation.count, config.batchSize, evalSeed), config.evalBatches) : [];
    let interval = { steps: 0, seconds: 0 };
    const evaluate = (): EvalRecord => {
      const last = Math.max(0, step - 1);
      const clip = clipAt(last);
      const train = step === 0 ? null : trainer.readTally();
      const record: EvalRecord = {
        kind: 'eval',
        step,
        rmax: clip?.rmax ?? null,
        dmax: clip?.dmax ?? null,
        learningRate: learningRateAt(last, config.optimizer),
        trainLoss: train?.loss ?? null,
        trainAccuracy: train?.accuracy ?? null,
        validationAccuracy: trainer.inferenceAccuracy(data.validation, STANDARD_EVAL),
        validationAccuracyEma: trainer.inferenceAccuracy(data.validation, AVERAGE),
        validationAccuracyStandard: isBn ? trainer.inferenceAccuracy(data.validation, VARIANCE) : null,
        batchStats: trainer.batchStats(data.validation, validationBatches),
        batchStatsIid: iidStats ? trainer.batchStats(data.validation, validationIid) : null,
        renorm: trainer.diagnostics(),
        timing: { msPerStep: interval.steps === 0 ? null : (1000 * interval.seconds) / interval.steps, elapsedSeconds: elapsed() },
      };
      interval = { steps: 0, seconds: 0 };
      append(record);
      hooks.onProgress?.({ job: id, step, steps: config.steps, validationAccuracy: record.validationAccuracy, msPerStep: record.timing.msPerStep });
      return record;
    };

    // The clipping of the first step is in force from the first evaluation on.
    trainer.setClip(clipAt(step));
    if (step === 0) evaluate();
    else hooks.onProgress?.({ job: id, step, steps: config.steps, validationAccuracy: null, msPerStep: null });
    let lastEval: EvalRecord | null = null;
    while (step < config.steps) {
      hooks.beforeStep?.(step);
      const t0 = process.hrtime.bigint();
      trainer.step(data.train, sampler.next(), clipAt(step), learningRateAt(step, config.optimizer));
      step++;
      const dt = Number(process.hrtime.bigint() - t0) / 1e9;
      interval = { steps: interval.steps + 1, seconds: interval.seconds + dt };
      trainSeconds += dt;
      if (step % config.evalEvery === 0 || step === config.steps) lastEval = evaluate();
      // Checkpoints fall on evaluation steps (validateConfig), so the training tally is empty.
      if (step % config.checkpointEvery === 0 && step < config.steps) await saveCheckpoint(paths.checkpoint, step, trainSeconds, trainer);
    }
    const testDrawn = drawnLikeTraining(data.test, Math.floor(data.test.count / config.batchSize));
    // Label-blind: i.i.d. minibatches that score every test image once.
    const testIid = iidStats ? coveringBatches(data.test.count, config.batchSize, evalSeed) : [];
    const final: FinalRecord = {
      kind: 'final',
      step,
      // The last step always ends with an evaluation.
      validationAccuracy: lastEval!.validationAccuracy,
      validationAccuracyEma: lastEval!.validationAccuracyEma,
      testAccuracy: trainer.inferenceAccuracy(data.test, STANDARD_EVAL),
      testAccuracyEma: trainer.inferenceAccuracy(data.test, AVERAGE),
      testAccuracyStandard: isBn ? trainer.inferenceAccuracy(data.test, VARIANCE) : null,
      testAccuracyStandardEma: isBn ? trainer.inferenceAccuracy(data.test, AVERAGE_VARIANCE) : null,
      testBatchStats: trainer.batchStats(data.test, testDrawn),
      testBatchStatsEma: trainer.batchStats(data.test, testDrawn, AVERAGE),
      testBatchStatsIid: iidStats ? trainer.batchStats(data.test, testIid) : null,
      testBatchStatsIidEma: iidStats ? trainer.batchStats(data.test, testIid, AVERAGE) : null,
      timing: { msPerStep: (1000 * trainSeconds) / config.steps, trainSeconds, totalSeconds: elapsed(), resumedFromStep },
    };
    append(final);
    writeFileAtomic(paths.final, lines.map((l) => l + '\n').join(''));
    rmSync(paths.partial, { force: true });
    rmSync(paths.checkpoint, { force: true });
    return { path: paths.final, skipped: false };
  } finally {
    held?.dispose();
    lock.release();
  }
}
