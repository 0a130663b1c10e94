/**
 * brn submit, status and run-job: a profile's jobs as a Slurm job array. The
 * runs directory must be on a filesystem every node sees; each array task
 * runs `brn run-job <id>`, the same code path as a local run (the same logs,
 * identity, resume and locks), so cluster results are summarized, checked and
 * drawn exactly like local ones.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { initBackend } from '../backend';
import { DataCache } from '../data/dataset';
import { writeFileAtomic } from '../io/atomic';
import { KIT_ROOT } from '../paths';
import { PROFILES, type Profile } from '../protocol/config';
import { profileRunsDir } from '../results/layout';
import { LogProblem, readFinishedLog } from '../results/seal';
import { previousCheckpoint, resumableStep } from '../train/checkpoint';
import { runJob } from '../train/job';
import { describeOwner, whyStale, type LockOwner } from '../train/lock';
import { jobSpecs } from '../train/runner';
import { dataOptionsOf, jobId, jobPaths, type JobSpec } from '../train/spec';
import { strFlag, UsageError, intFlag, type Parsed } from './args';
import { experimentsOf, runOptions } from './options';
import { readFileSync } from 'node:fs';

/** The state of one job, from its files on disk. */
export type JobState =
  | { state: 'done' }
  | { state: 'faulty'; why: string }
  | { state: 'running'; owner: LockOwner }
  | { state: 'interrupted'; step: number | null; note: string }
  | { state: 'pending' };

export function jobState(spec: JobSpec): JobState {
  const paths = jobPaths(spec);
  if (existsSync(paths.final)) {
    try {
      readFinishedLog(paths.final);
      return { state: 'done' };
    } catch (err) {
      if (err instanceof LogProblem) return { state: 'faulty', why: err.message };
      throw err;
    }
  }
  if (existsSync(paths.lock)) {
    try {
      const owner = JSON.parse(readFileSync(paths.lock, 'utf8')) as LockOwner;
      if (whyStale(owner) === null) return { state: 'running', owner };
    } catch {
      // An unreadable lock is a stale one: the job counts as interrupted or pending.
    }
  }
  if (existsSync(paths.checkpoint) || existsSync(previousCheckpoint(paths.checkpoint))) {
    return { state: 'interrupted', ...resumableStep(paths) };
  }
  return { state: 'pending' };
}

function profileOf(parsed: Parsed): Profile {
  const [profile] = parsed.positional;
  if (!(PROFILES as readonly string[]).includes(profile ?? '')) {
    throw new UsageError(
      `the first argument must be a profile, ${PROFILES.slice(0, -1).join(', ')} or ${PROFILES[PROFILES.length - 1]}; got '${profile ?? ''}'`,
      parsed.command,
    );
  }
  return profile as Profile;
}

/** The specs a submit or status command covers. */
function specsOf(parsed: Parsed): { specs: JobSpec[]; profile: Profile; runsDir: string } {
  const profile = profileOf(parsed);
  const options = { ...runOptions(parsed.flags, parsed.command), profile };
  const experiments = experimentsOf(parsed, parsed.positional.slice(1), profile);
  return { specs: jobSpecs(experiments, options), profile, runsDir: options.runsDir };
}

/** The options every array task passes on to `brn run-job`. */
function passedOn(parsed: Parsed): string[] {
  const out: string[] = [];
  for (const name of ['backend', 'dataset', 'data-dir', 'steps'] as const) {
    const v = strFlag(parsed.flags, name);
    if (v !== undefined) out.push(`--${name}`, v);
  }
  return out;
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * The sbatch script of an array over `ids` (the jobs file holds one job a
 * line, its id and the directory of its log, task i on line i + 1).
 */
export function sbatchScript(opts: {
  ids: string[];
  jobsFile: string;
  runsDir: string;
  profile: Profile;
  partition?: string;
  time: string;
  maxParallel?: number;
  passOn: string[];
}): string {
  const limit = opts.maxParallel === undefined ? '' : `%${opts.maxParallel}`;
  const lines = [
    '#!/bin/bash',
    `# brn submit: ${opts.ids.length} unfinished job(s) of the ${opts.profile} profile, one array task each.`,
    '# Each task runs `brn run-job <id>` (the same logs, locks and resume as a local run); its output goes',
    '# beside its job log. A preempted or requeued task resumes from its last checkpoint.',
    `#SBATCH --job-name=brn-${opts.profile}`,
    `#SBATCH --array=0-${opts.ids.length - 1}${limit}`,
    '#SBATCH --ntasks=1',
    '#SBATCH --cpus-per-task=1',
    `#SBATCH --time=${opts.time}`,
    ...(opts.partition === undefined ? [] : [`#SBATCH --partition=${opts.partition}`]),
    '#SBATCH --requeue',
    `#SBATCH --output=${join(dirname(opts.jobsFile), '%A_%a.out')}`,
    'set -euo pipefail',
    `LINE=$(sed -n "$((SLURM_ARRAY_TASK_ID + 1))p" ${quote(opts.jobsFile)})`,
    'JOB="${LINE%% *}"',
    'LOG="${LINE#* }"',
    `RUNS=${quote(opts.runsDir)}`,
    'mkdir -p "$LOG"',
    `exec > "$LOG/$(basename "$JOB").slurm-\${SLURM_ARRAY_JOB_ID}_\${SLURM_ARRAY_TASK_ID}.out" 2>&1`,
    `cd ${quote(KIT_ROOT)}`,
    `exec node ${quote(join(KIT_ROOT, 'dist', 'cli.js'))} run-job "$JOB" --runs-dir "$RUNS" ${opts.passOn.map(quote).join(' ')}`.trimEnd(),
  ];
  return lines.join('\n') + '\n';
}

function submit(parsed: Parsed): number {
  if (parsed.flags.slurm !== true)
    throw new UsageError('brn submit needs --slurm (the scheduler it submits to)', 'submit');
  const { specs, profile, runsDir } = specsOf(parsed);
  const todo = specs.filter((s) => {
    const st = jobState(s).state;
    return st !== 'done' && st !== 'running';
  });
  if (todo.length === 0) {
    console.log(`every job of these ${specs.length} is finished or running: nothing to submit`);
    return 0;
  }
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '');
  const dir = join(profileRunsDir(runsDir, profile, todo[0].data), 'slurm');
  const jobsFile = join(dir, `jobs-${stamp}.txt`);
  const script = sbatchScript({
    ids: todo.map((s) => jobId(s)),
    jobsFile,
    runsDir,
    profile,
    partition: strFlag(parsed.flags, 'partition'),
    time: strFlag(parsed.flags, 'time') ?? '2:00:00',
    maxParallel: intFlag(parsed.flags, 'max-parallel', 'submit'),
    passOn: passedOn(parsed),
  });
  const scriptFile = join(dir, `submit-${stamp}.sbatch`);
  mkdirSync(dir, { recursive: true });
  writeFileAtomic(jobsFile, todo.map((s) => `${jobId(s)} ${dirname(jobPaths(s).final)}`).join('\n') + '\n');
  writeFileAtomic(scriptFile, script);
  console.log(
    `wrote ${scriptFile} (${todo.length} array tasks; ${specs.length - todo.length} jobs finished or running)`,
  );
  if (parsed.flags['dry-run'] === true) {
    process.stdout.write(script);
    return 0;
  }
  const r = spawnSync('sbatch', ['--parsable', scriptFile], { encoding: 'utf8' });
  if (r.error !== undefined)
    throw new Error(
      `sbatch could not be run (${r.error.message}): is Slurm's client installed? The script is ${scriptFile}`,
    );
  if (r.status !== 0) throw new Error(`sbatch refused ${scriptFile}: ${r.stderr.trim()}`);
  console.log(
    `submitted Slurm job ${r.stdout.trim().split(';')[0]}: watch it with 'brn status ${profile}' (or squeue)`,
  );
  return 0;
}

/** Slurm's view of the brn arrays (`squeue`, `sacct`): task → state, or null where Slurm cannot be asked. */
function slurmStates(): Map<string, string> | null {
  const out = new Map<string, string>();
  const q = spawnSync('squeue', ['--noheader', '--array', '--format=%i %T %j'], { encoding: 'utf8' });
  if (q.error !== undefined || q.status !== 0) return null;
  for (const line of q.stdout.split('\n')) {
    const [task, state, name] = line.trim().split(/\s+/);
    if (name?.startsWith('brn-')) out.set(task, state);
  }
  const a = spawnSync('sacct', ['--noheader', '--parsable2', '--format=JobID,State,JobName', '--starttime=now-7days'], {
    encoding: 'utf8',
  });
  if (a.status === 0) {
    for (const line of a.stdout.split('\n')) {
      const [task, state, name] = line.split('|');
      if (name?.startsWith('brn-') && !out.has(task) && /FAIL|TIMEOUT|OUT_OF_ME|NODE_FAIL|CANCEL/.test(state ?? ''))
        out.set(task, state);
    }
  }
  return out;
}

function status(parsed: Parsed): number {
  const { specs } = specsOf(parsed);
  const counts = new Map<string, number>();
  for (const spec of specs) {
    const st = jobState(spec);
    counts.set(st.state, (counts.get(st.state) ?? 0) + 1);
    const detail =
      st.state === 'running'
        ? describeOwner(st.owner)
        : st.state === 'interrupted'
          ? st.step === null
            ? `no usable checkpoint (${st.note}): trains again from step 0`
            : `checkpoint at step ${st.step}: resumes there${st.note === '' ? '' : ` (${st.note})`}`
          : st.state === 'faulty'
            ? st.why
            : '';
    console.log(`${st.state.padEnd(11)} ${jobId(spec)}${detail === '' ? '' : `  ${detail}`}`);
  }
  const slurm = slurmStates();
  if (slurm !== null) {
    const failed = [...slurm].filter(([, s]) => /FAIL|TIMEOUT|OUT_OF_ME|NODE_FAIL|CANCEL/.test(s));
    const queued = [...slurm].filter(([, s]) => /PENDING|RUNNING|REQUEUED|CONFIGURING/.test(s));
    console.log(
      `Slurm: ${queued.length} brn array task(s) queued or running, ${failed.length} failed in the last 7 days`,
    );
    for (const [task, s] of failed)
      console.log(`  ${task} ${s}: its output is beside its job log (<variant>-seed<N>.slurm-${task}.out)`);
  }
  const order = ['done', 'running', 'interrupted', 'pending', 'faulty'];
  console.log(`${specs.length} jobs: ${order.map((s) => `${counts.get(s) ?? 0} ${s}`).join(', ')}`);
  return 0;
}

/** `<profile>/<experiment>/<variant>-seed<N>` as its parts. */
function parseJobId(id: string | undefined): { profile: Profile; experiment: string; variant: string; seed: number } {
  const m = /^(quick|full|confirmatory)\/([a-z0-9-]+)\/([a-z][a-z0-9-]*?)-seed(\d+)$/.exec(id ?? '');
  if (m === null)
    throw new UsageError(
      `expected a job id <quick|full|confirmatory>/<experiment>/<variant>-seed<N>, got '${id ?? ''}'`,
      'run-job',
    );
  return { profile: m[1] as Profile, experiment: m[2], variant: m[3], seed: Number(m[4]) };
}

async function runOneJob(parsed: Parsed): Promise<number> {
  const id = parseJobId(parsed.positional[0]);
  const options = { ...runOptions(parsed.flags, 'run-job'), profile: id.profile, variants: [id.variant] };
  const steps = options.steps === undefined ? '' : `-steps${options.steps}`;
  const experiment = id.experiment.endsWith(steps)
    ? id.experiment.slice(0, id.experiment.length - steps.length)
    : id.experiment;
  const spec = jobSpecs(experimentsOf(parsed, [experiment], id.profile), options).find(
    (s) => jobId(s) === parsed.positional[0],
  );
  if (spec === undefined)
    throw new UsageError(`no job ${parsed.positional[0]} in ${experiment}'s variants and seeds`, 'run-job');
  const backend = await initBackend(options.backend);
  console.log(`${jobId(spec)} on ${backend}, host pid ${process.pid}`);
  const data = new DataCache();
  const outcome = await runJob(spec, data.get(dataOptionsOf(spec)), {
    onProgress: (p) =>
      console.log(
        `step ${p.step}/${p.steps}${p.validationAccuracy === null ? '' : ` validation ${(100 * p.validationAccuracy).toFixed(2)}%`}`,
      ),
    onNotice: (m) => console.log(m),
  });
  if (outcome.busy !== undefined) console.log(`held by ${describeOwner(outcome.busy)}: nothing to do here`);
  else console.log(outcome.skipped ? `already finished: ${outcome.path}` : `finished: ${outcome.path}`);
  data.dispose();
  return 0;
}

export async function runClusterCommand(parsed: Parsed): Promise<number> {
  switch (parsed.command) {
    case 'submit':
      return submit(parsed);
    case 'status':
      return status(parsed);
    case 'run-job':
      return runOneJob(parsed);
    default:
      throw new UsageError(`unknown command '${parsed.command}'`);
  }
}
