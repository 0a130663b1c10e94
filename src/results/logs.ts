/**
 * Reading a profile's finished job logs back, each verified (`seal.ts`): each
 * experiment directory's finished runs by variant, and the final test
 * accuracy of every job (what the reference check compares). A log that fails
 * its check is left out and reported, never read as a result.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Profile } from '../protocol/config';
import { TRAINED_VARIANTS, type Variant } from '../protocol/variants';
import { parseJobFileName, profileRunsDir } from './layout';
import type { EvalRecord, FinalRecord, HeaderRecord } from './records';
import { LogProblem, readFinishedLog, remedy } from './seal';

export interface FinishedRun {
  seed: number;
  header: HeaderRecord;
  evals: EvalRecord[];
  final: FinalRecord;
}

/** Faulty logs, each named with what is wrong and what to do: thrown where results would otherwise be read from them. */
export class LogProblems extends Error {
  constructor(readonly problems: LogProblem[]) {
    super(
      `${problems.length} job log(s) failed their check and were not read:\n` +
        problems.map((p) => `  ${p.message}; ${remedy(p)}`).join('\n'),
    );
  }
}

/** The finished jobs of one experiment directory, by trained variant, in seed order; faulty logs go to `problems`. */
export function finishedRuns(dir: string, problems: LogProblem[] = []): Map<Variant, FinishedRun[]> {
  const byVariant = new Map<Variant, FinishedRun[]>();
  const files = readdirSync(dir)
    .map((f) => ({ f, job: parseJobFileName(f) }))
    .filter((x) => x.job !== null && (TRAINED_VARIANTS as readonly string[]).includes(x.job.variant))
    .sort((a, b) => a.job!.seed - b.job!.seed);
  for (const { f, job } of files) {
    let log;
    try {
      log = readFinishedLog(join(dir, f));
    } catch (err) {
      if (!(err instanceof LogProblem)) throw err;
      problems.push(err);
      continue;
    }
    const variant = job!.variant as Variant;
    if (!byVariant.has(variant)) byVariant.set(variant, []);
    byVariant.get(variant)!.push({ seed: job!.seed, header: log.header, final: log.final, evals: log.evals });
  }
  return byVariant;
}

/** The experiment directories under a profile's runs, in `order` first, then alphabetically. */
export function experimentDirs(root: string, order: string[] = []): string[] {
  const names = existsSync(root) ? readdirSync(root).filter((n) => statSync(join(root, n)).isDirectory()) : [];
  const rank = (n: string) => (order.includes(n) ? order.indexOf(n) : order.length);
  return names.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

/** The final result of one finished job. */
export interface JobResult {
  experiment: string;
  variant: string;
  seed: number;
  backend: string;
  trainer: string;
  /** The header's `arithmetic`, where it has one. */
  arithmetic?: string;
  testAccuracy: number;
}

/**
 * The final test accuracy of every finished job of `profile` under `runsDir`,
 * in experiment, variant, seed order, and the logs that failed their check.
 */
export function readFinalResults(
  profile: Profile,
  runsDir: string,
  dataset = 'mnist',
): { results: JobResult[]; problems: LogProblem[] } {
  const root = profileRunsDir(runsDir, profile, { name: dataset });
  const results: JobResult[] = [];
  const problems: LogProblem[] = [];
  for (const name of [...experimentDirs(root)].sort()) {
    const byVariant = [...finishedRuns(join(root, name), problems)].sort(([a], [b]) => a.localeCompare(b));
    for (const [variant, runs] of byVariant) {
      for (const r of runs) {
        const { backend, trainer, arithmetic } = r.header;
        results.push({
          experiment: name,
          variant,
          seed: r.seed,
          backend,
          trainer,
          ...(arithmetic !== undefined ? { arithmetic } : {}),
          testAccuracy: r.final.testAccuracy,
        });
      }
    }
  }
  return { results, problems };
}

/** `readFinalResults`' results; a faulty log is an error (`LogProblems`) listing every one. */
export function finalResults(profile: Profile, runsDir: string, dataset = 'mnist'): JobResult[] {
  const { results, problems } = readFinalResults(profile, runsDir, dataset);
  if (problems.length > 0) throw new LogProblems(problems);
  return results;
}
