/**
 * How long a whole round (`WHOLE_ROUNDS`) takes, measured from what its
 * sealed logs record, and the wall time those jobs take when `workers` run
 * side by side, each taking the next job as it frees (the runner's order).
 * `make cnn` prints it before it trains.
 *
 * A job's time is its logged total (training and evaluations) when it ran in
 * one go. A resumed job's total covers only its last stretch, while its
 * training time is kept across stops; its time is then that training time
 * scaled by the total-to-training ratio of the jobs that ran in one go (said
 * in the output).
 *
 *   node dist/report/round-time.js <round> [runs-dir] [--dataset D] [--workers N]
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { datasetByName } from '../data/datasets';
import { WHOLE_ROUNDS } from '../protocol/cnn-plan';
import { forProfile } from '../protocol/config';
import { experimentByName } from '../protocol/registry';
import { profileRunsDir } from '../results/layout';
import { finishedRuns } from '../results/logs';
import { median } from '../results/stats';
import { KIT_ROOT } from '../paths';

export interface RoundTime {
  title: string;
  planned: number;
  /** Each finished job's seconds (see above), in the runner's order. */
  seconds: number[];
  /** How many of them were resumed, and the total-to-training ratio their time was scaled by. */
  resumed: number;
  evaluationRatio: number;
  workers: number;
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/** The own jobs of `experiments` in the confirmatory profile, in the order the runner takes them: experiment, seed, variant. */
function plannedJobs(experiments: readonly string[]): { experiment: string; variant: string; seed: number }[] {
  return experiments.flatMap((experiment) => {
    const { seeds, variants } = forProfile(experimentByName(experiment), 'confirmatory');
    return seeds.flatMap((seed) => variants.map((variant) => ({ experiment, variant, seed })));
  });
}

/** The finished jobs of `round` under `runsDir` and what each took. */
export function roundTime(round: string, runsDir: string, dataset: string, workers: number | string = 2): RoundTime {
  const declared = WHOLE_ROUNDS.find((r) => r.round === round);
  if (declared === undefined)
    throw new Error(`Unknown round '${round}': the whole rounds are ${WHOLE_ROUNDS.map((r) => r.round).join(', ')}`);
  const cores = Number(workers);
  if (!Number.isInteger(cores) || cores < 1)
    throw new Error(`--workers must be a whole number of at least 1, not '${workers}'`);
  const root = profileRunsDir(runsDir, 'confirmatory', datasetByName(dataset));
  const logged = new Map<string, { total: number; train: number; resumed: boolean }>();
  for (const experiment of declared.experiments) {
    const dir = join(root, experiment);
    if (!existsSync(dir)) continue;
    for (const [variant, runs] of finishedRuns(dir))
      for (const r of runs) {
        const { totalSeconds, trainSeconds, resumedFromStep } = r.final.timing;
        logged.set(`${experiment}/${variant}/${r.seed}`, {
          total: totalSeconds,
          train: trainSeconds,
          resumed: resumedFromStep > 0,
        });
      }
  }
  const jobs = plannedJobs(declared.experiments);
  const finished = jobs.flatMap((j) => logged.get(`${j.experiment}/${j.variant}/${j.seed}`) ?? []);
  const whole = finished.filter((t) => !t.resumed);
  const evaluationRatio = whole.length === 0 ? 1 : sum(whole.map((t) => t.total)) / sum(whole.map((t) => t.train));
  return {
    title: declared.title,
    planned: jobs.length,
    seconds: finished.map((t) => (t.resumed ? t.train * evaluationRatio : t.total)),
    resumed: finished.length - whole.length,
    evaluationRatio,
    workers: cores,
  };
}

/** The wall time of `seconds` run in order on `workers` side by side, each worker taking the next job as it frees. */
export function makespan(seconds: number[], workers: number): number {
  const free = new Array<number>(workers).fill(0);
  for (const s of seconds) {
    const i = free.indexOf(Math.min(...free));
    free[i] += s;
  }
  return Math.max(0, ...free);
}

const h = (seconds: number) => `${(seconds / 3600).toFixed(1)} h`;

/** What `make cnn` prints: the measured job times, and the round's wall time on `workers` cores from them. */
export function describeRoundTime(t: RoundTime): string {
  if (t.seconds.length === 0)
    return `${t.title}: no job has finished yet, so there is no measured time (${t.planned} jobs planned).`;
  const total = sum(t.seconds);
  const mean = total / t.seconds.length;
  const lines = [
    `${t.title}: ${t.seconds.length} of ${t.planned} jobs finished, as their logs record them:`,
    `  ${(mean / 60).toFixed(1)} min a job on average, median ${(median(t.seconds) / 60).toFixed(1)} (${(Math.min(...t.seconds) / 60).toFixed(1)} to ${(Math.max(...t.seconds) / 60).toFixed(1)}; training and evaluations), ${h(total)} of one core in all`,
  ];
  if (t.resumed > 0)
    lines.push(
      `  (${t.resumed} of them were resumed after a stop: their training time, kept across the stop, times ${t.evaluationRatio.toFixed(3)}, the total-to-training ratio of the jobs that ran in one go)`,
    );
  if (t.seconds.length === t.planned)
    lines.push(
      `  on ${t.workers} cores, one job each: ${h(makespan(t.seconds, t.workers))} of wall time for the round`,
    );
  else {
    const left = (t.planned - t.seconds.length) * mean;
    lines.push(
      `  the ${t.planned - t.seconds.length} left, at that mean: about ${h(left / t.workers)} more on ${t.workers} cores (the round: about ${h((total + left) / t.workers)})`,
    );
  }
  return lines.join('\n');
}

if (require.main === module) {
  const usage = 'usage: node dist/report/round-time.js <round> [runs-dir] [--dataset D] [--workers N]';
  try {
    const { values, positionals } = parseArgs({
      options: { dataset: { type: 'string', default: 'fashion-mnist' }, workers: { type: 'string', default: '2' } },
      allowPositionals: true,
    });
    const [round, runsDir = join(KIT_ROOT, 'data', 'runs'), ...extra] = positionals;
    if (round === undefined || extra.length > 0) throw new Error(usage);
    console.log(describeRoundTime(roundTime(round, resolve(runsDir), values.dataset, values.workers)));
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    process.exit(2);
  }
}
