#!/usr/bin/env node
/** brn: the kit's command line. `USAGE` below is the one description of its commands and options. */
import { parseArgs as parseNodeArgs } from 'node:util';
import { forProfile, type Profile } from './protocol/config';
import { MAIN_EXPERIMENTS, SWEEP_EXPERIMENTS, ALL_EXPERIMENTS, experimentByName } from './protocol/registry';
import { runExperiments, type RunOptions } from './train/runner';
import { finalResults } from './results/logs';
import { variantEntries } from './results/schema';
import { formatStat } from './results/stats';
import { writeSummary } from './results/store';
import { compareWithReference, loadReference, writeReference } from './results/reference';
import { dataIdentity } from './data/identity';
import { datasetByName } from './data/datasets';
import { join } from 'node:path';
import { KIT_ROOT, kitPaths, type KitPaths } from './paths';
import { BACKENDS } from './backend';
import type { Architecture } from './models';

const USAGE = `Usage:
  brn list                                 experiments and what they reproduce
  brn run <experiment>... [options]        run experiments (finished jobs are skipped, interrupted ones resume)
  brn reproduce [--sweeps] [options]       run baseline, microbatch and non-iid (and the sweeps), then draw the figures
  brn summarize [--quick]                  rewrite data/results/<profile>/summary.json from finished jobs
                                           (refused, saying why, when logs behind the old summary are missing)
  brn figures [--quick] [--readme]         draw figures/ (and with --readme the README's results table) from the summary
  brn check [--quick]                      compare the finished jobs under --runs-dir with the committed reference
                                           (data/reference/quick.json; for the full profile, the committed logs)
  brn reference [<experiment>...] [--quick]  write data/reference/<profile>.json from the finished jobs
                                           under --runs-dir (default: the three paper experiments)

Options:
  --quick          the quick profile (3,000 steps, 2 seeds) instead of the full one (60,000 steps,
                   5 seeds; 3 for the sweeps)
  --seeds N        run seeds 1…N instead of the experiment's own
  --jobs N         worker processes (default: one per core)
  --backend B      force a backend: ${BACKENDS.join(', ')} (default: the fastest that loads; also BRN_BACKEND)
  --dataset NAME   mnist (default) or fashion-mnist (Debian's dataset-fashion-mnist), checked by md5
  --data-dir D     a directory of the four MNIST-format IDX files (or .gz) to use instead
  --architecture A mlp (default, the BN paper's network) or conv (a small CNN; ~20x slower per step on wasm),
                   run as '<experiment>-conv'
  --runs-dir D     where job logs go (default: data/runs)
  --results-dir D  where summaries go (default: data/results)
  --figures-dir D  where figures go (default: figures)
  --readme         also rewrite the results table between README.md's markers
  --help           this text`;

/** Every option: booleans, and the rest taking a value. */
const OPTIONS = {
  quick: { type: 'boolean' },
  readme: { type: 'boolean' },
  sweeps: { type: 'boolean' },
  help: { type: 'boolean' },
  seeds: { type: 'string' },
  jobs: { type: 'string' },
  backend: { type: 'string' },
  'data-dir': { type: 'string' },
  dataset: { type: 'string' },
  architecture: { type: 'string' },
  'runs-dir': { type: 'string' },
  'results-dir': { type: 'string' },
  'figures-dir': { type: 'string' },
} as const;

type Flags = Partial<Record<keyof typeof OPTIONS, string | boolean>>;

export interface Parsed {
  command: string;
  positional: string[];
  flags: Flags;
}

/** The command, its positional arguments and its options; unknown options and missing values are errors. */
export function parseArgs(argv: string[]): Parsed {
  let parsed;
  try {
    parsed = parseNodeArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    throw new Error(`${(err as Error).message}\n\n${USAGE}`);
  }
  const [command = 'help', ...positional] = parsed.positionals;
  return { command, positional, flags: { ...parsed.values } as Flags };
}

function intFlag(flags: Flags, name: 'seeds' | 'jobs'): number | undefined {
  const v = flags[name];
  if (v === undefined) return undefined;
  const n = Number(v);
  if (typeof v !== 'string' || !Number.isInteger(n) || n < 1)
    throw new Error(`Option --${name} must be a positive integer, got '${v}'`);
  return n;
}

function strFlag(flags: Flags, name: keyof typeof OPTIONS): string | undefined {
  const v = flags[name];
  return typeof v === 'string' ? v : undefined;
}

/** Run options from the flags; their values are checked by the runner (`jobSpecs`). */
function runOptions(flags: Flags): RunOptions & KitPaths {
  return {
    architecture: strFlag(flags, 'architecture') as Architecture | undefined,
    profile: flags.quick === true ? 'quick' : 'full',
    seeds: intFlag(flags, 'seeds'),
    jobs: intFlag(flags, 'jobs'),
    backend: strFlag(flags, 'backend'),
    dataDir: strFlag(flags, 'data-dir'),
    dataset: strFlag(flags, 'dataset'),
    ...kitPaths({
      runsDir: strFlag(flags, 'runs-dir'),
      resultsDir: strFlag(flags, 'results-dir'),
      figuresDir: strFlag(flags, 'figures-dir'),
    }),
  };
}

function expectFlags(parsed: Parsed, allowed: (keyof typeof OPTIONS)[]): void {
  for (const name of Object.keys(parsed.flags)) {
    if (!(allowed as string[]).includes(name))
      throw new Error(`Option --${name} does not apply to 'brn ${parsed.command}'`);
  }
}

async function drawFigures(profile: Profile, paths: KitPaths, readme: boolean, dataset = 'mnist'): Promise<void> {
  const { makeFigures } = await import('./report/make.js');
  const made = await makeFigures({
    profile,
    dataset,
    resultsDir: paths.resultsDir,
    figuresDir: paths.figuresDir,
    readme: readme ? join(KIT_ROOT, 'README.md') : null,
  });
  for (const f of made) console.log(`wrote ${f}`);
}

/** The data set's name: --dataset's, or --data-dir's files' (MNIST without either); a missing file is an error naming it. */
function datasetOf(flags: Flags): string {
  const name = strFlag(flags, 'dataset');
  if (name !== undefined) return datasetByName(name).name;
  return dataIdentity(strFlag(flags, 'data-dir') ?? null).name;
}

async function run(parsed: Parsed): Promise<number> {
  const { command, positional, flags } = parsed;
  if (flags.help === true || command === 'help') {
    console.log(USAGE);
    return 0;
  }
  const runFlags: (keyof typeof OPTIONS)[] = [
    'quick',
    'seeds',
    'jobs',
    'backend',
    'data-dir',
    'dataset',
    'architecture',
    'runs-dir',
    'results-dir',
  ];
  switch (command) {
    case 'list': {
      expectFlags(parsed, []);
      for (const e of ALL_EXPERIMENTS) {
        const q = forProfile(e, 'quick');
        const sweep = SWEEP_EXPERIMENTS.includes(e) ? ' [sweep]' : '';
        console.log(
          `${e.name.padEnd(16)} ${e.title}${sweep}${e.paper ? ` (paper ${e.paper.figure})` : ''}; full ${e.steps} steps x ${e.seeds.length} seeds, quick ${q.steps} x ${q.seeds.length}`,
        );
        console.log(
          `${''.padEnd(16)} variants: ${e.variants.join(', ')}; BN also evaluated as ${['bn-standard', ...(e.batchStatsVariant ? ['bn-batchstats', 'bn-batchstats-iid'] : [])].join(', ')}`,
        );
      }
      return 0;
    }
    case 'run':
    case 'reproduce': {
      expectFlags(parsed, command === 'run' ? runFlags : [...runFlags, 'sweeps', 'figures-dir', 'readme']);
      let experiments;
      if (command === 'run') {
        if (positional.length === 0)
          throw new Error(`brn run needs at least one experiment: ${ALL_EXPERIMENTS.map((e) => e.name).join(', ')}`);
        experiments = positional.map(experimentByName);
      } else {
        if (positional.length > 0)
          throw new Error(`brn reproduce takes no experiment names, got '${positional.join(' ')}' (use brn run)`);
        experiments = flags.sweeps === true ? [...MAIN_EXPERIMENTS, ...SWEEP_EXPERIMENTS] : MAIN_EXPERIMENTS;
      }
      const options = runOptions(flags);
      const outcome = await runExperiments(experiments, options);
      const { pool } = outcome;
      console.log(
        `${pool.finished.length} jobs finished, ${pool.skipped.length} already done, ${pool.failed.length} failed in ${outcome.seconds.toFixed(1)} s (backend ${outcome.backends.join(', ') || 'n/a'})`,
      );
      for (const f of pool.failed) console.error(`FAILED ${f.job}: ${f.message}`);
      if (outcome.summaryProblem !== null) console.error(`summary not written: ${outcome.summaryProblem}`);
      else
        console.log(
          outcome.summaryPath === null ? 'summary: not written (no job finished)' : `summary: ${outcome.summaryPath}`,
        );
      for (const e of experiments) {
        const variants = outcome.summary.experiments[e.name];
        if (variants === undefined) continue;
        const cells = variantEntries(variants).map(([v, s]) => `${v} ${formatStat(s.testAccuracy)}`);
        console.log(`  ${e.name.padEnd(16)} test accuracy: ${cells.join(', ')}`);
      }
      if (pool.failed.length > 0 || outcome.summaryProblem !== null) return 1;
      if (command === 'reproduce')
        await drawFigures(options.profile, options, flags.readme === true, outcome.summary.dataset);
      return 0;
    }
    case 'summarize': {
      expectFlags(parsed, ['quick', 'runs-dir', 'results-dir', 'data-dir', 'dataset']);
      const options = runOptions(flags);
      const { path } = writeSummary(
        options.profile,
        options.runsDir,
        options.resultsDir,
        ALL_EXPERIMENTS.map((e) => e.name),
        datasetOf(flags),
      );
      console.log(`summary: ${path}`);
      return 0;
    }
    case 'figures': {
      expectFlags(parsed, ['quick', 'results-dir', 'figures-dir', 'readme', 'dataset']);
      const options = runOptions(flags);
      await drawFigures(options.profile, options, flags.readme === true, datasetOf(flags));
      return 0;
    }
    case 'check': {
      expectFlags(parsed, ['quick', 'runs-dir', 'data-dir', 'dataset']);
      const options = runOptions(flags);
      const dataset = datasetOf(flags);
      const reference = loadReference(options.profile, dataset);
      const comparison = compareWithReference(finalResults(options.profile, options.runsDir, dataset), reference);
      console.log(`${options.profile} profile under ${options.runsDir} against ${reference.note}:`);
      for (const line of comparison.lines) console.log(line);
      return comparison.matched === comparison.total ? 0 : 1;
    }
    case 'reference': {
      expectFlags(parsed, ['quick', 'runs-dir', 'data-dir', 'dataset']);
      const options = runOptions(flags);
      const names =
        positional.length > 0 ? positional.map((n) => experimentByName(n).name) : MAIN_EXPERIMENTS.map((e) => e.name);
      console.log(`wrote ${writeReference(options.profile, options.runsDir, names, datasetOf(flags))}`);
      return 0;
    }
    default:
      throw new Error(`Unknown command '${command}'\n\n${USAGE}`);
  }
}

if (require.main === module) {
  let parsed: Parsed;
  try {
    parsed = parseArgs(process.argv.slice(2));
  } catch (err) {
    console.error(`brn: ${(err as Error).message}`);
    process.exit(2);
  }
  run(parsed).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(`brn: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );
}
