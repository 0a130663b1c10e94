/**
 * Ask the replication your own question (notebook 08): a data set, a model,
 * the normalizers to compare, a microbatch size, a sampler, steps and seeds.
 * The jobs train through the kit's runner (parallel workers, resumable, the
 * same sealed logs) into a scratch directory outside the committed results,
 * so asking again reuses finished jobs; the answer is rule v2's test of each
 * normalizer against the first one named (one-sided paired t on test
 * accuracy, Holm over the question), in both readings.
 *
 * The schedule is the protocol's, scaled to the steps asked for as the quick
 * profile scales it: the ramp (batchnorm for the first 1/12, dmax 0→5 by
 * 5/12, rmax 1→3 by 2/3), the learning-rate staircase and the parameter
 * average's window.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeJsonAtomic } from './io/atomic';
import { jobFiles } from './results/layout';
import { KIT_ROOT } from './paths';
import { CNN_BASE } from './protocol/cnn';
import { BASE, scaleDecay, type ExperimentConfig } from './protocol/config';
import type { Variant } from './protocol/variants';
import { scaleRamp } from './renorm/schedule';
import { claim, side } from './protocol/rule-claim';
import { judgeFamily, type FamilyResult, type ReadingResult } from './results/rule-verdicts';
import type { Summary } from './results/schema';
import { formatPoints } from './results/stats';
import { readSummary } from './results/store';
import { sideValues } from './results/summary';
import { defaultJobs } from './train/pool';
import { runExperiments } from './train/runner';
import type { JobProgress } from './train/progress';

export interface Question {
  dataset: 'mnist' | 'fashion-mnist';
  model: 'mlp' | 'conv';
  /** The normalizers to compare; each after the first is tested against the first. */
  normalizers: Variant[];
  /** BN and BRN statistics over microbatches of this size (a divisor of 32), or null for the whole minibatch. */
  microbatch: number | null;
  /** i.i.d. minibatches, or k labels × m examples (k·m = 32). */
  sampler: 'iid' | { labels: number; perLabel: number };
  steps: number;
  /** Seeds 1…seeds (at least 2: the test pairs by seed). */
  seeds: number;
}

/** The question notebook 08 asks by default: at microbatches of 2, does BRN beat BN, and GN? */
export const DEFAULT_QUESTION: Question = {
  dataset: 'fashion-mnist',
  model: 'mlp',
  normalizers: ['bn', 'brn', 'gn'],
  microbatch: 2,
  sampler: 'iid',
  steps: 6_000,
  seeds: 2,
};

/** Where asked questions' jobs go: build/ask, never the committed data/. */
export const ASK_DIR = join(KIT_ROOT, 'build', 'ask');

const NORMALIZERS: readonly Variant[] = ['bn', 'brn', 'gn', 'ln', 'none'];

/** Throws, naming the setting and its value, unless `q` can run. */
export function checkQuestion(q: Question): void {
  const bad = (what: string, value: unknown, expected: string) =>
    new Error(`question: ${what} is ${JSON.stringify(value)}; expected ${expected}`);
  if (!['mnist', 'fashion-mnist'].includes(q.dataset)) throw bad('dataset', q.dataset, "'mnist' or 'fashion-mnist'");
  if (!['mlp', 'conv'].includes(q.model)) throw bad('model', q.model, "'mlp' or 'conv'");
  if (
    q.normalizers.length < 1 ||
    q.normalizers.some((n) => !NORMALIZERS.includes(n)) ||
    new Set(q.normalizers).size !== q.normalizers.length
  )
    throw bad('normalizers', q.normalizers, `distinct names among ${NORMALIZERS.join(', ')}`);
  if (q.microbatch !== null && (!Number.isInteger(q.microbatch) || q.microbatch < 1 || 32 % q.microbatch !== 0))
    throw bad('microbatch', q.microbatch, 'null or a divisor of 32 (1, 2, 4, 8, 16, 32)');
  if (q.sampler !== 'iid') {
    const { labels, perLabel } = q.sampler;
    if (
      !Number.isInteger(labels) ||
      !Number.isInteger(perLabel) ||
      labels < 1 ||
      labels > 10 ||
      labels * perLabel !== 32
    )
      throw bad(
        'sampler',
        q.sampler,
        "'iid' or { labels, perLabel } with labels · perLabel = 32 and at most 10 labels",
      );
  }
  if (!Number.isInteger(q.steps) || q.steps < 100 || q.steps > BASE.steps)
    throw bad('steps', q.steps, `an integer from 100 to ${BASE.steps}`);
  if (!Number.isInteger(q.seeds) || q.seeds < 2 || q.seeds > 20) throw bad('seeds', q.seeds, 'an integer from 2 to 20');
}

/** The experiment a question runs: the protocol's config for its model, scaled to its steps; its name says what it asks. */
export function questionConfig(q: Question): ExperimentConfig {
  checkQuestion(q);
  const base = q.model === 'conv' ? CNN_BASE : BASE;
  const f = base.steps / q.steps;
  const sampler = q.sampler === 'iid' ? 'iid' : `${q.sampler.labels}x${q.sampler.perLabel}`;
  const name = `ask-${q.model}-${sampler}-mb${q.microbatch ?? 32}-steps${q.steps}`;
  return {
    ...base,
    name,
    title: `${q.model === 'conv' ? 'CNN' : 'MLP'}, minibatch 32${q.microbatch === null ? '' : `, normalized over microbatches of ${q.microbatch}`}, ${q.sampler === 'iid' ? 'i.i.d.' : `${q.sampler.labels} labels x ${q.sampler.perLabel} examples`}, ${q.steps} steps`,
    paper: null,
    variants: [...q.normalizers],
    sharedVariants: {},
    seeds: Array.from({ length: q.seeds }, (_, i) => i + 1),
    microbatchSize: q.microbatch,
    sampler:
      q.sampler === 'iid'
        ? { kind: 'iid' }
        : { kind: 'label-grouped', labelsPerBatch: q.sampler.labels, examplesPerLabel: q.sampler.perLabel },
    batchStatsVariant: false,
    steps: q.steps,
    evalEvery: Math.max(1, Math.round(q.steps / 10)),
    checkpointEvery: Math.max(1, Math.round(q.steps / 5)),
    ramp: scaleRamp(base.ramp, 1 / f),
    optimizer: { ...base.optimizer, lrDecaySteps: Math.max(1, Math.round(base.optimizer.lrDecaySteps / f)) },
    emaDecay: scaleDecay(base.emaDecay, f),
    evalBatches: Math.min(base.evalBatches, 25),
  };
}

/**
 * Seconds a job costs beyond its training steps (a worker starting, the data
 * loaded, eleven evaluations, the test): measured on this kind of machine (2
 * cores) from 200-step MLP questions, about 14 s a job with both cores busy
 * with other training, 7 s on a quiet machine. Each ask measures it again
 * and keeps it in `<dir>/timing.json`, which later estimates use.
 */
export const JOB_OVERHEAD_SECONDS = 7;

/** Seconds a training step of `model` costs (evaluations aside): the committed quick round's median over its jobs, or null. */
function secondsPerStep(model: Question['model']): number | null {
  const summary = readSummary('quick', join(KIT_ROOT, 'data', 'results'), model === 'conv' ? 'fashion-mnist' : 'mnist');
  if (summary === null) return null;
  const perStep: number[] = [];
  for (const [e, byVariant] of Object.entries(summary.timing)) {
    const steps = summary.configs[e]?.steps;
    if (steps === undefined || summary.configs[e].architecture !== model) continue;
    for (const t of Object.values(byVariant))
      if (t?.trainSeconds !== undefined) perStep.push(t.trainSeconds.mean / steps);
  }
  if (perStep.length === 0) return null;
  perStep.sort((a, b) => a - b);
  return perStep[Math.floor(perStep.length / 2)];
}

function timingPath(dir: string): string {
  return join(dir, 'timing.json');
}

/** The per-job overhead the last ask in `dir` measured, else `JOB_OVERHEAD_SECONDS`. */
function jobOverhead(dir: string): number {
  try {
    const t = JSON.parse(readFileSync(timingPath(dir), 'utf8')) as { jobOverheadSeconds?: unknown };
    return typeof t.jobOverheadSeconds === 'number' && t.jobOverheadSeconds > 0
      ? t.jobOverheadSeconds
      : JOB_OVERHEAD_SECONDS;
  } catch {
    return JOB_OVERHEAD_SECONDS;
  }
}

/** How many of `q`'s jobs have no finished log in `dir` yet. */
export function jobsToTrain(q: Question, dir = ASK_DIR): number {
  const config = questionConfig(q);
  let n = 0;
  for (const variant of config.variants)
    for (const seed of config.seeds)
      if (
        !existsSync(
          jobFiles(join(dir, 'runs'), { name: q.dataset }, { profile: 'full', experiment: config.name, variant, seed })
            .final,
        )
      )
        n++;
  return n;
}

/**
 * The expected wall time of `q` on `workers` workers, in seconds: rounds of
 * the jobs still to train, each its steps at the committed quick round's seconds a step plus
 * the per-job overhead; null where that summary is missing.
 */
export function expectedSeconds(q: Question, workers: number, dir = ASK_DIR): number | null {
  const perStep = secondsPerStep(q.model);
  if (perStep === null) return null;
  const jobs = jobsToTrain(q, dir);
  return Math.ceil(jobs / Math.max(1, Math.min(workers, jobs))) * (q.steps * perStep + jobOverhead(dir));
}

export interface Answer {
  question: Question;
  config: ExperimentConfig;
  summary: Summary;
  /** Each normalizer after the first against the first, in both readings (rule v2's test, Holm over the question). */
  family: FamilyResult;
  seconds: number;
  /** Jobs trained now, and jobs whose finished logs were reused. */
  trained: number;
  reused: number;
}

/** Trains `q`'s jobs (finished ones are reused) and judges them. */
export async function ask(
  q: Question,
  options: {
    dir?: string;
    jobs?: number;
    onProgress?: (p: JobProgress) => void;
    onDone?: (job: string, skipped: boolean) => void;
  } = {},
): Promise<Answer> {
  const config = questionConfig(q);
  const dir = options.dir ?? ASK_DIR;
  const outcome = await runExperiments([config], {
    profile: 'full',
    dataset: q.dataset,
    runsDir: join(dir, 'runs'),
    resultsDir: join(dir, 'results'),
    jobs: options.jobs,
    log: null,
    onProgress: options.onProgress,
    onDone: options.onDone,
  });
  if (outcome.pool.failed.length > 0)
    throw new Error(
      `question: ${outcome.pool.failed.length} jobs failed: ${outcome.pool.failed.map((f) => `${f.job} (${f.message})`).join('; ')}`,
    );
  // What a job cost beyond its steps, kept for the next estimate (only when every job trained now).
  const perStep = secondsPerStep(q.model);
  const rounds = Math.ceil(outcome.pool.finished.length / Math.max(1, options.jobs ?? defaultJobs()));
  if (perStep !== null && outcome.pool.skipped.length === 0 && rounds > 0) {
    const overhead = outcome.seconds / rounds - q.steps * perStep;
    if (overhead > 0)
      writeJsonAtomic(timingPath(dir), {
        jobOverheadSeconds: Number(overhead.toFixed(2)),
        measuredAt: new Date().toISOString(),
      });
  }
  const [a, ...others] = q.normalizers;
  const family = judgeFamily(
    {
      datasets: [q.dataset],
      architecture: q.model,
      family: 'secondary',
      claims: others.map((b) =>
        claim(
          'secondary',
          `${b}-vs-${a}`,
          'beats',
          side(config.name, b),
          side(config.name, a),
          `${label(b)} beats ${label(a)}`,
          'your question',
        ),
      ),
    },
    sideValues(outcome.summary),
  );
  return {
    question: q,
    config,
    summary: outcome.summary,
    family,
    seconds: outcome.seconds,
    trained: outcome.pool.finished.length,
    reused: outcome.pool.skipped.length,
  };
}

const LABELS: Record<string, string> = { bn: 'BN', brn: 'BRN', gn: 'GN', ln: 'LN', none: 'no normalization' };
const label = (v: string) => LABELS[v] ?? v;

function readingText(r: ReadingResult | null): string {
  if (r === null) return 'not run';
  const [lo, hi] = r.ci95;
  const words =
    r.verdict === 'reproduced' ? 'yes' : r.verdict === 'against' ? 'no, the other way round' : 'not significant';
  return `**${words}** ${formatPoints(r.mean)} [${formatPoints(lo)}, ${formatPoints(hi)}] (n=${r.n}, Holm p ${r.pHolm.toPrecision(2)})`;
}

/** The answer as Markdown: each normalizer's test accuracy, then each comparison in both readings, in the rule's words. */
export function answerMarkdown(answer: Answer): string {
  const { summary, config, family, question } = answer;
  const e = summary.experiments[config.name];
  const acc = (v: Variant) => {
    const s = e?.variants[v];
    const f = (x: { mean: number; std: number; n: number } | null | undefined) =>
      x === null || x === undefined ? '—' : `${(100 * x.mean).toFixed(2)}% ± ${(100 * x.std).toFixed(2)} (n=${x.n})`;
    return `| ${label(v)} | ${f(s?.testAccuracy)} | ${f(s?.testAccuracyEma)} |`;
  };
  const lines = [
    `**${config.title}**, ${question.dataset}: ${answer.trained} jobs trained, ${answer.reused} reused, in ${answer.seconds.toFixed(0)} s.`,
    '',
    '| Normalizer | Test accuracy, trained parameters | Test accuracy, parameter average |',
    '|---|---|---|',
    ...question.normalizers.map(acc),
    '',
  ];
  if (family.claims.length === 0) return [...lines, 'One normalizer: nothing to compare.'].join('\n');
  lines.push(
    `Each against ${label(question.normalizers[0])}, b − a in test accuracy, in points, paired by seed, with its 95% interval: rule v2's one-sided paired t: *yes* at Holm p < 0.025 over these ${family.claims.length} comparisons, *no, the other way round* when the opposite test is, else *not significant*; in both readings. With few seeds the intervals are wide: a verdict here is a pointer, not a finding.`,
    '',
    '| Question | Trained parameters | Parameter average |',
    '|---|---|---|',
    ...family.claims.map((c) => `| ${c.statement} | ${readingText(c.trained)} | ${readingText(c.average)} |`),
  );
  return lines.join('\n');
}
