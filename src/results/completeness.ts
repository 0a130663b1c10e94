/**
 * Which planned jobs a summary holds and which it lacks. A summary made while
 * a protocol runs, or after an interrupted run, holds only the finished jobs;
 * this account says so, job by job, so nothing downstream (figures, report,
 * README) shows a partial summary as if it were the whole protocol.
 *
 * The plan of an experiment is its config under the profile (the protocol's
 * definition where the experiment is one of the kit's, else the config its
 * logs' headers record): every trained variant on every seed.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { forProfile, hasProfile, type ExperimentConfig, type Profile } from '../protocol/config';
import { SHORT_SCHEDULE_CNN_EXPERIMENTS } from '../protocol/cnn-short';
import { jobFiles, LOCK_STALE_AFTER_MS } from './layout';
import { configDifferences } from './records';
import type { LogProblem } from './seal';

export type LackingState = 'missing' | 'running' | 'interrupted' | 'faulty' | 'failed';

export interface LackingJob {
  /** `<profile>/<experiment>/<variant>-seed<N>`. */
  job: string;
  state: LackingState;
}

export interface JobsAccount {
  /** Jobs the summarized experiments plan (variants × seeds). */
  planned: number;
  /** Planned jobs whose finished logs the summary holds. */
  held: number;
  /** The planned jobs it does not hold, with why. */
  lacking: LackingJob[];
}

/** The config an experiment directory's jobs were planned with, or null when nothing says. */
/**
 * The config an experiment's logs were made under, in `profile`: the code's
 * (`known`), or a superseded protocol's of the same name
 * (`SHORT_SCHEDULE_CNN_EXPERIMENTS`) when the logs' header config is that
 * one's; else the header's own, else none.
 */
export function configOfLogs(
  name: string,
  profile: Profile,
  known: readonly ExperimentConfig[],
  header: ExperimentConfig | undefined,
): ExperimentConfig | null {
  const candidates = [...known, ...SHORT_SCHEDULE_CNN_EXPERIMENTS]
    .filter((e) => e.name === name && hasProfile(e, profile))
    .map((e) => forProfile(e, profile));
  if (header === undefined) return candidates[0] ?? null;
  return candidates.find((c) => configDifferences(c, header).length === 0) ?? candidates[0] ?? header;
}

/** A lock refreshed within the stale limit: its job is running (on this host or another one). */
function lockIsLive(path: string, now = Date.now()): boolean {
  try {
    const { heartbeat } = JSON.parse(readFileSync(path, 'utf8')) as { heartbeat?: unknown };
    return typeof heartbeat === 'number' && now - heartbeat < LOCK_STALE_AFTER_MS;
  } catch {
    return false;
  }
}

/**
 * The account of the jobs planned in `experiments` (directory name → the
 * seeds held per variant, and a config from a header if any) under `root`.
 * `failed` names jobs a run just saw fail (not visible on disk).
 */
export function accountJobs(opts: {
  profile: Profile;
  runsDir: string;
  dataset: string;
  experiments: Map<string, { held: Map<string, Set<number>>; header?: ExperimentConfig }>;
  known: ExperimentConfig[];
  problems: LogProblem[];
  failed?: string[];
}): JobsAccount {
  const faulty = new Set(opts.problems.map((p) => p.path));
  const failed = new Set(opts.failed ?? []);
  const account: JobsAccount = { planned: 0, held: 0, lacking: [] };
  for (const [name, { held, header }] of opts.experiments) {
    const config = configOfLogs(name, opts.profile, opts.known, header);
    if (config === null) continue;
    for (const variant of config.variants) {
      for (const seed of config.seeds) {
        account.planned++;
        if (held.get(variant)?.has(seed) === true) {
          account.held++;
          continue;
        }
        const key = { profile: opts.profile, experiment: name, variant, seed };
        const job = `${opts.profile}/${name}/${variant}-seed${seed}`;
        const files = jobFiles(opts.runsDir, { name: opts.dataset }, key);
        const state: LackingState = failed.has(job)
          ? 'failed'
          : faulty.has(files.final)
            ? 'faulty'
            : existsSync(files.lock) && lockIsLive(files.lock)
              ? 'running'
              : existsSync(files.partial) || existsSync(files.checkpoint)
                ? 'interrupted'
                : 'missing';
        account.lacking.push({ job, state });
      }
    }
  }
  return account;
}

/** Whether `dir` holds any file of a job (a log, a partial log, a checkpoint, a lock). */
export function hasJobFiles(dir: string): boolean {
  return existsSync(dir) && readdirSync(dir).some((f) => /-seed\d+\.(jsonl|partial\.jsonl|ckpt\.json|lock)$/.test(f));
}

/** "partial: 12 of 30 jobs" for a partial account, or null for a complete one (or none). */
export function partialNote(account: JobsAccount | undefined): string | null {
  if (account === undefined || account.lacking.length === 0) return null;
  return `partial: ${account.held} of ${account.planned} jobs`;
}

/** One line for the user: what the summary lacks, by state, with the first few jobs. */
export function describeLacking(account: JobsAccount, shown = 3): string | null {
  const note = partialNote(account);
  if (note === null) return null;
  const byState = new Map<LackingState, string[]>();
  for (const l of account.lacking) byState.set(l.state, [...(byState.get(l.state) ?? []), l.job]);
  const parts = [...byState].map(([state, jobs]) => {
    const first = jobs.slice(0, shown).join(', ');
    return `${jobs.length} ${state} (${first}${jobs.length > shown ? ', …' : ''})`;
  });
  return `${note}; lacking ${parts.join('; ')}`;
}
