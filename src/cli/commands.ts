/** What each brn command does (the grammar is `args.ts`, the words `help.ts`). Returns the exit code. */
import { readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { datasetByName } from '../data/datasets';
import { dataIdentity } from '../data/identity';
import { IN_CHECKOUT, KIT_ROOT, type KitPaths } from '../paths';
import { forProfile, type Profile } from '../protocol/config';
import { ALL_EXPERIMENTS, CNN_EXPERIMENTS, MAIN_EXPERIMENTS, SWEEP_EXPERIMENTS } from '../protocol/registry';
import { readFinalResults, LogProblems } from '../results/logs';
import { describeLacking } from '../results/completeness';
import { describeInProgress } from '../results/summary';
import { compareWithReference, loadReference, writeReference } from '../results/reference';
import { variantEntries } from '../results/schema';
import { LogProblem, sealLog } from '../results/seal';
import { formatStat } from '../results/stats';
import { writeSummary } from '../results/store';
import { expectFlags, strFlag, UsageError, type Flags, type Parsed } from './args';
import { experimentsOf, runOptions } from './options';
import { COMMANDS } from './help';

/** The data set's name: --dataset's, or --data-dir's files' (MNIST without either); a missing file is an error naming it. */
function datasetOf(flags: Flags): string {
  const name = strFlag(flags, 'dataset');
  if (name !== undefined) return datasetByName(name).name;
  return dataIdentity(strFlag(flags, 'data-dir') ?? null).name;
}

/** Where this command writes, said once, outside a checkout (where the defaults are under the current directory). */
function sayWhere(paths: KitPaths): void {
  if (!IN_CHECKOUT) console.error(`brn: job logs under ${paths.runsDir}, summaries under ${paths.resultsDir}`);
}

async function drawFigures(profile: Profile, paths: KitPaths, readme: boolean, dataset = 'mnist'): Promise<void> {
  const { makeFigures } = await import('../report/make.js');
  const made = await makeFigures({
    profile,
    dataset,
    resultsDir: paths.resultsDir,
    figuresDir: paths.figuresDir,
    readme: readme ? join(KIT_ROOT, 'README.md') : null,
  });
  for (const f of made) console.log(`wrote ${f}`);
  if (readme && profile === 'full') await report(paths, true);
}

async function report(paths: KitPaths, readme: boolean): Promise<number> {
  const { writeReport } = await import('../report/write-report.js');
  const outDir = dirname(paths.figuresDir);
  const written = writeReport({
    resultsDir: paths.resultsDir,
    figuresDir: paths.figuresDir,
    outDir,
    readme: readme ? join(KIT_ROOT, 'README.md') : null,
  });
  for (const f of written) console.log(`wrote ${f}`);
  return 0;
}

async function reestimateCommand(parsed: Parsed): Promise<number> {
  if (parsed.positional.length !== 1)
    throw new UsageError(
      `brn reestimate takes one experiment, got ${parsed.positional.length === 0 ? 'none' : `'${parsed.positional.join(' ')}'`}`,
      'reestimate',
    );
  const [experiment] = experimentsOf(parsed, parsed.positional);
  const options = runOptions(parsed.flags, 'reestimate');
  const { reestimate } = await import('../train/reestimate.js');
  const { path } = await reestimate(experiment, options, (line) => console.log(line));
  console.log(`wrote ${path}`);
  return 0;
}

function list(): number {
  for (const e of ALL_EXPERIMENTS) {
    const q = forProfile(e, 'quick');
    const group = SWEEP_EXPERIMENTS.includes(e) ? ' [sweep]' : CNN_EXPERIMENTS.includes(e) ? ' [cnn]' : '';
    const paper = e.paper ? ` (paper ${e.paper.figure})` : '';
    console.log(
      `${e.name.padEnd(19)} ${e.title}${group}${paper}; full ${e.steps} steps x ${e.seeds.length} seeds, quick ${q.steps} x ${q.seeds.length}`,
    );
    const shared = Object.entries(e.sharedVariants ?? {}).map(([v, from]) => `${v} (${from}'s jobs)`);
    const evaluations = ['bn-standard', ...(e.batchStatsVariant ? ['bn-batchstats', 'bn-batchstats-iid'] : [])];
    console.log(
      `${''.padEnd(19)} variants: ${[...e.variants, ...shared].join(', ')}; BN also evaluated as ${evaluations.join(', ')}`,
    );
  }
  return 0;
}

async function run(parsed: Parsed): Promise<number> {
  const { command, positional, flags } = parsed;
  if (command === 'run' && positional.length === 0) {
    throw new UsageError(
      `brn run needs at least one experiment: ${ALL_EXPERIMENTS.map((e) => e.name).join(', ')}`,
      command,
    );
  }
  if (command === 'reproduce' && positional.length > 0) {
    throw new UsageError(
      `brn reproduce takes no experiment names, got '${positional.join(' ')}' (use brn run)`,
      command,
    );
  }
  const experiments = experimentsOf(parsed, positional);
  const options = runOptions(flags, command);
  sayWhere(options);
  const { runExperiments } = await import('../train/runner.js');
  const outcome = await runExperiments(experiments, options);
  const { pool } = outcome;
  if (pool.interrupted) {
    console.error(
      `interrupted: rerun the same command to resume from the last checkpoints (${pool.finished.length} jobs finished this run)`,
    );
    return 130;
  }
  if (pool.startup !== null) {
    console.error(`brn: the workers could not start: ${pool.startup}; ${pool.notRun.length} jobs were not run`);
    return 1;
  }
  const seconds = outcome.seconds.toFixed(1);
  console.log(
    `${pool.finished.length} jobs finished, ${pool.skipped.length} already done, ${pool.failed.length} failed in ${seconds} s (backend ${outcome.backends.join(', ') || 'n/a'})`,
  );
  for (const f of pool.failed) console.error(`FAILED ${f.job}: ${f.message}`);
  if (outcome.summaryProblem !== null) console.error(`summary not written: ${outcome.summaryProblem}`);
  else {
    console.log(
      outcome.summaryPath === null ? 'summary: not written (no job finished)' : `summary: ${outcome.summaryPath}`,
    );
    const lacking = outcome.summary.jobs === undefined ? null : describeLacking(outcome.summary.jobs);
    if (outcome.summaryPath !== null && lacking !== null) console.log(lacking);
    if (outcome.summaryPath !== null) describeInProgress(outcome.summary).forEach((line) => console.log(line));
  }
  for (const e of experiments) {
    const results = outcome.summary.experiments[e.name];
    if (results === undefined) continue;
    // Both readings, named as the README names them (its headline is the parameter average).
    const entries = variantEntries(results);
    const trained = entries.map(([v, s]) => `${v} ${formatStat(s.testAccuracy)}`);
    const average = entries.flatMap(([v, s]) =>
      s.testAccuracyEma === null ? [] : [`${v} ${formatStat(s.testAccuracyEma)}`],
    );
    console.log(`  ${e.name.padEnd(19)} test accuracy, trained parameters: ${trained.join(', ')}`);
    if (average.length > 0) console.log(`  ${''.padEnd(19)} test accuracy, parameter average: ${average.join(', ')}`);
  }
  if (pool.failed.length > 0 || outcome.summaryProblem !== null) return 1;
  if (command === 'reproduce')
    await drawFigures(options.profile, options, flags.readme === true, outcome.summary.dataset);
  return 0;
}

function check(parsed: Parsed): number {
  const options = runOptions(parsed.flags, parsed.command);
  const dataset = datasetOf(parsed.flags);
  const only = parsed.positional.length === 0 ? null : experimentsOf(parsed, parsed.positional).map((e) => e.name);
  // The logs first: a faulty one is named even when there is no reference to hold the rest against.
  const { results, problems } = readFinalResults(options.profile, options.runsDir, dataset);
  if (problems.length > 0) console.error(new LogProblems(problems).message);
  const reference = loadReference(options.profile, dataset);
  const comparison = compareWithReference(results, reference, {
    ...(only === null ? {} : { experiments: only }),
    ...(options.seeds === undefined ? {} : { seeds: options.seeds }),
    ...(options.variants === undefined ? {} : { variants: options.variants }),
  });
  console.log(
    `${options.profile} profile under ${options.runsDir} against the committed reference, made from ${reference.note}:`,
  );
  if (results.length === 0 && problems.length === 0) {
    console.log(
      `no finished jobs there to hold against the reference's ${reference.jobs.length}: train them with 'brn reproduce${options.profile === 'quick' ? ' --quick' : ''}' (or give the --runs-dir that holds them)`,
    );
    return 1;
  }
  for (const line of comparison.lines) console.log(line);
  if (comparison.absent.length > 0)
    console.log(
      `(absent jobs count against the check; if you ran a subset, give check the same experiments, --seeds and --variant)`,
    );
  return comparison.matched === comparison.total && problems.length === 0 ? 0 : 1;
}

/** Every finished log under `dir`, recursively. */
function finishedLogs(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return finishedLogs(path);
    return /-seed\d+\.jsonl$/.test(name) ? [path] : [];
  });
}

function sealLogs(parsed: Parsed): number {
  const { runsDir } = runOptions(parsed.flags, parsed.command);
  const counts = { sealed: 0, 'already sealed': 0 };
  const problems: LogProblem[] = [];
  for (const path of finishedLogs(runsDir)) {
    try {
      counts[sealLog(path)]++;
    } catch (err) {
      if (!(err instanceof LogProblem)) throw err;
      problems.push(err);
    }
  }
  console.log(
    `${counts.sealed} logs sealed, ${counts['already sealed']} already sealed under ${relative(process.cwd(), runsDir) || '.'}`,
  );
  if (problems.length > 0) throw new LogProblems(problems);
  return 0;
}

export async function runCommand(parsed: Parsed): Promise<number> {
  const { command, positional, flags } = parsed;
  expectFlags(parsed, COMMANDS[command].options);
  switch (command) {
    case 'list':
      return list();
    case 'run':
    case 'reproduce':
      return run(parsed);
    case 'summarize': {
      const options = runOptions(flags, command);
      const { path, summary } = writeSummary(
        options.profile,
        options.runsDir,
        options.resultsDir,
        ALL_EXPERIMENTS.map((e) => e.name),
        datasetOf(flags),
      );
      console.log(`summary: ${path}`);
      const lacking = summary.jobs === undefined ? null : describeLacking(summary.jobs);
      if (lacking !== null) console.log(lacking);
      describeInProgress(summary).forEach((line) => console.log(line));
      return 0;
    }
    case 'figures': {
      const options = runOptions(flags, command);
      await drawFigures(options.profile, options, flags.readme === true, datasetOf(flags));
      return 0;
    }
    case 'report':
      return report(runOptions(flags, command), flags.readme === true);
    case 'reestimate':
      return reestimateCommand(parsed);
    case 'check':
      return check(parsed);
    case 'reference': {
      const options = runOptions(flags, command);
      const names =
        positional.length > 0
          ? experimentsOf(parsed, positional).map((e) => e.name)
          : MAIN_EXPERIMENTS.map((e) => e.name);
      console.log(`wrote ${writeReference(options.profile, options.runsDir, names, datasetOf(flags))}`);
      return 0;
    }
    case 'seal-logs':
      return sealLogs(parsed);
    default: {
      const { runClusterCommand } = await import('./cluster.js');
      return runClusterCommand(parsed);
    }
  }
}
