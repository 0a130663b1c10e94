/**
 * `brn reestimate`: why does the parameter average score what it scores?
 * Each job of an experiment is trained again (bit-identical to its committed
 * log, which is checked) into a scratch directory, and its final network is
 * read five ways on the test set: trained weights with their moving
 * statistics or with population statistics over the training set; averaged
 * weights with the averaged statistics, with population statistics
 * re-estimated for them, or with the trained network's statistics. Beside
 * that, the averaged σ against the averaged weights' own, and how far the
 * averaged weights lie from the trained ones.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '../backend';
import { DataCache, type ExperimentData } from '../data/dataset';
import { writeJsonAtomic } from '../io/atomic';
import type { ExperimentConfig } from '../protocol/config';
import type { Reestimate, ReestimateJob, Spread } from '../results/reestimate';
import { reestimatePath } from '../results/reestimate';
import { median } from '../results/stats';
import { jobDifferences, type HeaderRecord } from '../results/records';
import { LogProblem, readFinishedLog } from '../results/seal';
import { tf } from '../tf';
import { FusedTrainer } from './fused-trainer';
import type { Values } from './fused-values';
import { runJob } from './job';
import { jobSpecs, type RunOptions } from './runner';
import { dataOptionsOf, jobId, jobPaths, type JobSpec } from './spec';
import type { Trainer } from './trainer';

function spread(values: Float32Array | number[]): Spread {
  const sorted = Float64Array.from(values).sort();
  return { median: median(Array.from(sorted)), min: sorted[0], max: sorted[sorted.length - 1] };
}

const ratio = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.div(a, b).dataSync() as Float32Array);

/** The five readings, the σ ratios and the weight drift of a trained job's network. */
export function analyse(
  trainer: Trainer,
  data: ExperimentData,
): Omit<ReestimateJob, 'job' | 'seed' | 'variant' | 'logged'> {
  if (!(trainer instanceof FusedTrainer))
    throw new Error('brn reestimate reads the fused trainers only (the mlp and conv models on wasm or cpu)');
  const current = trainer.valueSet('current');
  const average = trainer.valueSet('average');
  const acc = (values: Values) => trainer.accuracyWith(data.test, values);
  const made: Values[] = [];
  try {
    const trainedPop = trainer.populationStatistics(data.train, current);
    made.push(trainedPop);
    const averagePop = trainer.populationStatistics(data.train, average);
    made.push(averagePop);
    const readings = {
      trained: acc(current),
      trainedPopulation: acc(trainedPop),
      average: acc(average),
      averagePopulation: acc(averagePop),
      averageCurrentStatistics: acc({ params: average.params, moving: current.moving }),
    };
    const layers = [...average.moving.entries()].map(([layer, m]) => ({
      layer,
      sigmaRatio: spread(ratio(m.std, averagePop.moving.get(layer)!.std)),
      sigmaVsTrained: spread(ratio(m.std, current.moving.get(layer)!.std)),
    }));
    const weightDrift = [...average.params.keys()]
      .filter((name) => name.endsWith('/kernel'))
      .map((weight) => ({
        weight,
        drift: tf.tidy(() => {
          const w = current.params.get(weight)!;
          return tf.div(tf.norm(tf.sub(average.params.get(weight)!, w)), tf.norm(w)).dataSync()[0];
        }),
      }));
    return { readings, layers, weightDrift };
  } finally {
    for (const values of made) {
      for (const [layer, m] of values.moving) {
        if (m !== current.moving.get(layer) && m !== average.moving.get(layer)) tf.dispose([m.mean, m.std, m.variance]);
      }
    }
  }
}

/**
 * The committed log's test accuracies, or null when there is none, it is not
 * whole, or it was made by another job (other config, backend or data: then
 * nothing is compared).
 */
function loggedResult(
  spec: JobSpec,
  runsDir: string,
  retrained: HeaderRecord,
): { testAccuracy: number; testAccuracyEma: number | null } | null {
  try {
    const { header, final } = readFinishedLog(jobPaths({ ...spec, runsDir }).final);
    if (jobDifferences(header, retrained).length > 0) return null;
    return { testAccuracy: final.testAccuracy, testAccuracyEma: final.testAccuracyEma ?? null };
  } catch (err) {
    if (err instanceof LogProblem) return null;
    throw err;
  }
}

/**
 * Re-trains every job of `experiment` (as `options` select: variants, seeds,
 * profile, data set) in a scratch directory, reads each as above, and writes
 * the result beside the summaries. Returns it and its path.
 */
export async function reestimate(
  experiment: ExperimentConfig,
  options: RunOptions & { runsDir: string; resultsDir: string },
  say: (line: string) => void = () => undefined,
): Promise<{ result: Reestimate; path: string }> {
  const scratch = mkdtempSync(join(tmpdir(), 'brn-reestimate-'));
  const cache = new DataCache();
  const jobs: ReestimateJob[] = [];
  let trainExamples = 0;
  let backend = '';
  let specs: JobSpec[] = [];
  try {
    specs = jobSpecs([experiment], { ...options, runsDir: scratch });
    if (specs.length === 0) throw new Error(`no jobs of ${experiment.name} match the variants and seeds given`);
    backend = await initBackend(options.backend);
    for (const spec of specs) {
      const data = cache.get(dataOptionsOf(spec));
      trainExamples = data.train.count;
      say(`${jobId(spec)}: training again (${spec.config.steps.toLocaleString('en-US')} steps on ${backend})`);
      const read: { found: Omit<ReestimateJob, 'job' | 'seed' | 'variant' | 'logged'> | null } = { found: null };
      await runJob(spec, data, { afterTraining: (trainer) => void (read.found = analyse(trainer, data)) });
      const found = read.found;
      if (found === null) throw new Error(`${jobId(spec)} did not train in ${scratch}: nothing to read`);
      const { header, final: retrained } = readFinishedLog(jobPaths(spec).final);
      const logged = loggedResult(spec, options.runsDir, header);
      const job: ReestimateJob = {
        job: jobId(spec),
        seed: spec.seed,
        variant: spec.variant,
        ...found,
        logged:
          logged === null
            ? null
            : {
                ...logged,
                reproduced:
                  logged.testAccuracy === retrained.testAccuracy &&
                  logged.testAccuracyEma === retrained.testAccuracyEma,
              },
      };
      jobs.push(job);
      const r = job.readings;
      const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
      say(
        `${job.job}: trained ${pct(r.trained)} (population statistics ${pct(r.trainedPopulation)}); average ${pct(r.average)}, ` +
          `re-estimated ${pct(r.averagePopulation)}, with the trained statistics ${pct(r.averageCurrentStatistics)}` +
          (job.logged === null
            ? ' (no committed log)'
            : job.logged.reproduced
              ? ' (log reproduced)'
              : ' (LOG NOT REPRODUCED)'),
      );
    }
  } finally {
    cache.dispose();
    rmSync(scratch, { recursive: true, force: true });
  }
  const first = specs[0];
  const result: Reestimate = {
    dataset: first.data.name,
    profile: first.profile,
    experiment: first.config.name,
    backend,
    trainExamples,
    jobs,
  };
  const path = reestimatePath(options.resultsDir, first.profile, first.config.name, first.data.name);
  writeJsonAtomic(path, result);
  return { result, path };
}
