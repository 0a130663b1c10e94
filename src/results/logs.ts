/**
 * Reading a profile's finished job logs back: each experiment directory's
 * finished runs by variant, and the final test accuracy of every job (what
 * the reference check compares).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Profile } from '../protocol/config';
import { TRAINED_VARIANTS, type Variant } from '../protocol/variants';
import { parseJobFileName, profileRunsDir } from './layout';
import { readJobRecords, type EvalRecord, type FinalRecord, type HeaderRecord } from './records';

export interface FinishedRun {
  seed: number;
  header: HeaderRecord;
  evals: EvalRecord[];
  final: FinalRecord;
}

/** The finished jobs of one experiment directory, by trained variant, in seed order. */
export function finishedRuns(dir: string): Map<Variant, FinishedRun[]> {
  const byVariant = new Map<Variant, FinishedRun[]>();
  const files = readdirSync(dir)
    .map((f) => ({ f, job: parseJobFileName(f) }))
    .filter((x) => x.job !== null && (TRAINED_VARIANTS as readonly string[]).includes(x.job.variant))
    .sort((a, b) => a.job!.seed - b.job!.seed);
  for (const { f, job } of files) {
    const path = join(dir, f);
    const records = readJobRecords(path);
    const header = records.find((r): r is HeaderRecord => r.kind === 'header');
    const final = records.find((r): r is FinalRecord => r.kind === 'final');
    if (header === undefined || final === undefined) {
      throw new Error(`${path}: a finished job file without header or final record`);
    }
    const variant = job!.variant as Variant;
    if (!byVariant.has(variant)) byVariant.set(variant, []);
    const evals = records.filter((r): r is EvalRecord => r.kind === 'eval');
    byVariant.get(variant)!.push({ seed: job!.seed, header, final, evals });
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
  testAccuracy: number;
}

/** The final test accuracy of every finished job of `profile` under `runsDir`, in experiment, variant, seed order. */
export function finalResults(profile: Profile, runsDir: string, dataset = 'mnist'): JobResult[] {
  const root = profileRunsDir(runsDir, profile, { name: dataset });
  const results: JobResult[] = [];
  for (const name of [...experimentDirs(root)].sort()) {
    const byVariant = [...finishedRuns(join(root, name))].sort(([a], [b]) => a.localeCompare(b));
    for (const [variant, runs] of byVariant) {
      for (const r of runs) {
        const { backend, trainer } = r.header;
        results.push({ experiment: name, variant, seed: r.seed, backend, trainer, testAccuracy: r.final.testAccuracy });
      }
    }
  }
  return results;
}
