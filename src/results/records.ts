/**
 * A job's log, one JSON line per record: a header (what ran: config, data,
 * backend, trainer), one line per evaluation, and a final line with the test
 * accuracies. The record types, the rule for "the same job", and reading logs
 * back. Where the files lie is `layout.ts`.
 */
import { readFileSync } from 'node:fs';
import type { DataIdentity } from '../data/identity';
import type { ExperimentConfig, Profile, Variant } from '../protocol/config';
import type { RenormDiagnostics } from '../renorm/diagnostics';

/**
 * The fused conv trainer's arithmetic, recorded in its logs' headers and part
 * of a job's identity: 'conv-v2' since its convolutions run through
 * `convSameOp` and `convSameFilterOp` (on wasm the kit's framed kernels; the
 * weight gradient sums in another order than before). Logs without it were
 * made by the earlier conv arithmetic (tfjs's conv2d for every convolution,
 * the weight gradient of transposed operands), whose last commit is
 * `EARLIER_CONV_ARITHMETIC_COMMIT`.
 */
export const CONV_ARITHMETIC = 'conv-v2';
export const EARLIER_CONV_ARITHMETIC_COMMIT = '4da7f89';

export interface HeaderRecord {
  kind: 'header';
  job: string;
  profile: Profile;
  experiment: string;
  variant: Variant;
  seed: number;
  backend: string;
  /** 'fused' or 'layers' (see `trainerKind`): the two round differently. */
  trainer: string;
  /**
   * The fused conv trainer's arithmetic (`CONV_ARITHMETIC`); absent for the
   * other trainers and in conv logs made by the earlier conv arithmetic. Part
   * of a job's identity.
   */
  arithmetic?: string;
  dataSource: string;
  data: DataIdentity;
  config: ExperimentConfig;
  /**
   * When the job first started (ISO 8601, UTC) and the code it started from
   * (the checkout's commit, and whether src/ had uncommitted changes; null
   * outside a git checkout). Not part of a job's identity; logs made before
   * these were recorded lack them.
   */
  startedAt?: string;
  code?: CodeVersion | null;
}

export interface CodeVersion {
  commit: string;
  /** src/ differed from the commit. */
  dirty: boolean;
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
  /** The same with the moving average of every value (`emaDecay`). */
  validationAccuracyEma: number;
  /** BN jobs: validation accuracy as standard batchnorm, with the moving mean and moving biased variance (else null). */
  validationAccuracyStandard: number | null;
  /** Validation minibatches drawn like the training ones, in training mode (minibatch statistics). */
  batchStats: BatchStatsEvaluation;
  /** BN jobs on label-grouped experiments: i.i.d. validation minibatches in training mode (else null). */
  batchStatsIid: BatchStatsEvaluation | null;
  /** r/d diagnostics of each normalization layer at the last training step. */
  renorm: (RenormDiagnostics & { layer: string })[];
  timing: { msPerStep: number | null; elapsedSeconds: number };
}

export interface FinalRecord {
  kind: 'final';
  step: number;
  validationAccuracy: number;
  validationAccuracyEma: number;
  /** Accuracy on every test image in inference mode, with the values and with their moving average. */
  testAccuracy: number;
  testAccuracyEma: number;
  /** BN jobs: the same as standard batchnorm (moving variance); else null. */
  testAccuracyStandard: number | null;
  testAccuracyStandardEma: number | null;
  /**
   * Test minibatches drawn like the training ones (on label-grouped
   * experiments: grouped by the true test labels), ⌊test images / batch⌋ of
   * them, in training mode; with the values and with their moving average.
   */
  testBatchStats: BatchStatsEvaluation;
  testBatchStatsEma: BatchStatsEvaluation;
  /** BN jobs on label-grouped experiments: i.i.d. test minibatches scoring every test image once (`coveringBatches`); else null. */
  testBatchStatsIid: BatchStatsEvaluation | null;
  testBatchStatsIidEma: BatchStatsEvaluation | null;
  timing: { msPerStep: number; trainSeconds: number; totalSeconds: number; resumedFromStep: number };
}

export type JobRecord = HeaderRecord | EvalRecord | FinalRecord;

/** What one evaluation in training mode (minibatch statistics) measured. */
export interface BatchStatsEvaluation {
  /** Accuracy with each minibatch normalized by its own statistics. */
  accuracy: number;
  /** Mean |training-mode logits − inference-mode logits| / mean |inference-mode logits|. */
  logitGap: number;
  /** Fraction of examples whose predicted class differs between the two modes. */
  disagreement: number;
  examples: number;
}

const NOT_IDENTITY = new Set(['seeds', 'variants', 'sharedVariants', 'dataDir']);

/**
 * The config fields that differ between two runs of one job. `seeds` and
 * `variants` list the experiment's other jobs, not this one's, so they are not
 * part of a job's identity (running `--seeds 1` first and all seeds later
 * reuses the first), nor is `sharedVariants` (which other experiments' jobs
 * this one shows); `dataDir` says where the data lay, and the data's own
 * identity (its checksums) is compared instead.
 */
export function configDifferences(a: ExperimentConfig, b: ExperimentConfig): string[] {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)].filter((k) => !NOT_IDENTITY.has(k)));
  const field = (c: ExperimentConfig, k: string) => JSON.stringify((c as unknown as Record<string, unknown>)[k]);
  return [...keys].filter((k) => field(a, k) !== field(b, k));
}

/**
 * What differs between the runs two headers describe, as phrases naming each
 * difference ("backend cpu (this run: wasm)"); empty for the same job. The
 * config, backend, trainer (and its arithmetic) and data checksums decide it: everything that
 * changes a job's numbers.
 */
export function jobDifferences(logged: HeaderRecord, expected: HeaderRecord): string[] {
  const differs: string[] = [];
  if (logged.backend !== expected.backend) differs.push(`backend ${logged.backend} (this run: ${expected.backend})`);
  if (logged.trainer !== expected.trainer) differs.push(`trainer ${logged.trainer} (this run: ${expected.trainer})`);
  if ((logged.arithmetic ?? null) !== (expected.arithmetic ?? null))
    differs.push(
      `arithmetic ${logged.arithmetic ?? 'the earlier conv kernels'} (this run: ${expected.arithmetic ?? 'none recorded'})`,
    );
  if (
    JSON.stringify(logged.data?.md5) !== JSON.stringify(expected.data.md5) ||
    (logged.data?.task ?? null) !== (expected.data.task ?? null)
  ) {
    differs.push(`data ${logged.data?.name ?? 'unrecorded'} (this run: ${expected.data.name})`);
  }
  const fields = configDifferences(logged.config, expected.config);
  if (fields.length > 0) differs.push(`config (${fields.join(', ')} differ)`);
  return differs;
}

/** The steps a job of `config` evaluates at, in order: 0, every `evalEvery`, and the last step. */
export function plannedEvalSteps(config: Pick<ExperimentConfig, 'steps' | 'evalEvery'>): number[] {
  const steps = [0];
  for (let s = config.evalEvery; s < config.steps; s += config.evalEvery) steps.push(s);
  if (config.steps > 0) steps.push(config.steps);
  return steps;
}

/**
 * The first planned evaluation up to `upTo` that `evals` lacks or has out of
 * order, or null when every one is there, in order (a log with a gap is never sealed).
 */
export function missingEvaluation(
  config: Pick<ExperimentConfig, 'steps' | 'evalEvery'>,
  evals: { step: number }[],
  upTo = config.steps,
): { step: number; index: number } | null {
  const planned = plannedEvalSteps(config).filter((s) => s <= upTo);
  for (const [i, step] of planned.entries()) if (evals[i]?.step !== step) return { step, index: i };
  return evals.length > planned.length ? { step: evals[planned.length].step, index: planned.length } : null;
}

/** The header and evaluations of a partial log; a line cut short by an interruption is dropped. */
export function readPartialLog(path: string): { header: HeaderRecord; evals: EvalRecord[] } | null {
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
