/**
 * Where summaries are kept (`<resultsDir>/[<data set>/]<profile>/summary.json`)
 * and the policy for replacing one: a summary is only rewritten from a
 * complete set of logs, so results never silently disappear.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { dataSubdir } from '../data/identity';
import { readJsonFile, writeJsonAtomic } from '../io/atomic';
import { kitPaths } from '../paths';
import type { Profile } from '../protocol/config';
import { profileRunsDir } from './layout';
import { summaryFromJson, summaryToJson, variantEntries, type Summary } from './schema';
import { summarize } from './summary';

export function summaryPath(resultsDir: string, profile: Profile, dataset = 'mnist'): string {
  return join(resultsDir, dataSubdir({ name: dataset }), profile, 'summary.json');
}

/** Every (experiment, variant, seed) a summary holds, as `experiment/variant-seedN`. */
function jobsOf(summary: Summary): Set<string> {
  const jobs = new Set<string>();
  for (const [e, results] of Object.entries(summary.experiments)) {
    for (const [v, s] of variantEntries(results)) for (const seed of s.seeds) jobs.add(`${e}/${v}-seed${seed}`);
  }
  return jobs;
}

/**
 * What keeps `summary` from replacing `previous`: results `previous` holds
 * that `summary` lacks (their logs are missing here), and experiments whose
 * variants were not all run on the same seeds (the paired design).
 */
export function incompleteness(summary: Summary, previous: Summary | null): string[] {
  const problems: string[] = [];
  if (previous !== null) {
    const now = jobsOf(summary);
    const lost = [...jobsOf(previous)].filter((j) => !now.has(j));
    if (lost.length > 0) {
      const listed = `${lost.slice(0, 8).join(', ')}${lost.length > 8 ? ', …' : ''}`;
      problems.push(`the summary holds ${lost.length} result(s) whose logs are not here: ${listed}`);
    }
  }
  for (const [e, results] of Object.entries(summary.experiments)) {
    const seedSets = variantEntries(results).map(([v, s]) => [v, s.seeds.join(',')] as const);
    if (new Set(seedSets.map(([, seeds]) => seeds)).size > 1) {
      problems.push(
        `${e}: variants ran on different seeds (${seedSets.map(([v, seeds]) => `${v}: ${seeds}`).join('; ')})`,
      );
    }
  }
  return problems;
}

/** Reads the summary at `path`, or null when there is none. */
export function readSummaryFile(path: string): Summary | null {
  return existsSync(path) ? summaryFromJson(readJsonFile(path)) : null;
}

/**
 * Writes `summary` (built from the logs under `runsDir`) to its place under
 * `resultsDir`, atomically. Refuses, saying why and leaving the old summary
 * alone, when it holds no experiment, when the old summary holds results
 * whose logs are missing, or when an experiment's variants have different seeds.
 */
export function saveSummary(summary: Summary, runsDir: string, resultsDir: string): string {
  const root = profileRunsDir(runsDir, summary.profile, { name: summary.dataset });
  if (Object.keys(summary.experiments).length === 0)
    throw new Error(
      `No finished jobs under ${root}${existsSync(root) ? '' : ' (it does not exist)'}: nothing to summarize. Train them with 'brn run <experiment>${summary.profile === 'quick' ? ' --quick' : ''}', or give the --runs-dir (and --quick, --dataset) they were trained with`,
    );
  const path = summaryPath(resultsDir, summary.profile, summary.dataset);
  const problems = incompleteness(summary, readSummaryFile(path));
  if (problems.length > 0) {
    throw new Error(
      `${path} left as it was: ${problems.join('; ')}. Run the missing jobs (their logs go under ${root}).`,
    );
  }
  writeJsonAtomic(path, summaryToJson(summary));
  return path;
}

/** Summarizes the logs under `runsDir` and saves the summary (`saveSummary`). */
export function writeSummary(
  profile: Profile,
  runsDir: string,
  resultsDir: string,
  order: string[] = [],
  dataset = 'mnist',
): { path: string; summary: Summary } {
  const summary = summarize(profile, runsDir, order, dataset);
  return { path: saveSummary(summary, runsDir, resultsDir), summary };
}

/** Reads a profile's summary, or null when it has not been written. */
export function readSummary(profile: Profile, resultsDir?: string, dataset = 'mnist'): Summary | null {
  return readSummaryFile(summaryPath(kitPaths({ resultsDir }).resultsDir, profile, dataset));
}

/** Whether `summary` holds every experiment named in `experiments`. */
export function summaryCovers(summary: Summary | null, experiments: string[]): summary is Summary {
  return summary !== null && experiments.every((e) => summary.experiments[e] !== undefined);
}
