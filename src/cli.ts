#!/usr/bin/env node
/**
 * brn: the kit's command line.
 *
 *   brn list
 *   brn run <experiment>... [--quick] [--seeds N] [--jobs N] [--backend B] [--data-dir D] [--architecture A]
 *   brn reproduce [--quick] [--sweeps] [--seeds N] [--jobs N] [--backend B] [--data-dir D]
 *   brn summarize [--quick]
 *   brn figures [--quick]
 */
import { forProfile, type Profile } from './experiments/config';
import { MAIN_EXPERIMENTS, SWEEP_EXPERIMENTS, ALL_EXPERIMENTS, experimentByName } from './experiments/registry';
import { runExperiments, type RunOptions } from './experiments/runner';
import { writeSummary } from './experiments/summary';
import { DEFAULT_PATHS } from './paths';
import { BACKENDS } from './backend';
import type { Architecture } from './models';

const USAGE = `Usage:
  brn list                                 experiments and what they reproduce
  brn run <experiment>... [options]        run experiments (finished jobs are skipped, interrupted ones resume)
  brn reproduce [--sweeps] [options]       run baseline, microbatch and non-iid (and the sweeps), then draw the figures
  brn summarize [--quick]                  rewrite data/results/<profile>/summary.json from finished jobs
  brn figures [--quick]                    draw figures/ from the summary

Options:
  --quick          the quick profile (3,000 steps, 2 seeds) instead of the full one (60,000 steps, 3 seeds)
  --seeds N        run only the first N seeds
  --jobs N         worker processes (default: one per core)
  --backend B      force a backend: ${BACKENDS.join(', ')} (default: the fastest that loads; also BRN_BACKEND)
  --data-dir D     a directory of the four MNIST-format IDX files to use instead of MNIST
  --architecture A mlp (default, the BN paper's network) or conv (a small CNN; ~20x slower per step on wasm),
                   run as '<experiment>-conv'
  --runs-dir D     where job logs go (default: data/runs)
  --results-dir D  where summaries go (default: data/results)
  --figures-dir D  where figures go (default: figures)
  --help           this text`;

interface Parsed {
  command: string;
  positional: string[];
  flags: Map<string, string | true>;
}

const VALUE_FLAGS = new Set(['--seeds', '--jobs', '--backend', '--data-dir', '--architecture', '--runs-dir', '--results-dir', '--figures-dir']);
const BOOLEAN_FLAGS = new Set(['--quick', '--sweeps', '--help']);

export function parseArgs(argv: string[]): Parsed {
  const [command = 'help', ...rest] = argv;
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const [name, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (BOOLEAN_FLAGS.has(name)) {
      if (inline !== undefined) throw new Error(`Option ${name} takes no value, got '${inline}'`);
      flags.set(name, true);
    } else if (VALUE_FLAGS.has(name)) {
      const value = inline ?? rest[++i];
      if (value === undefined || value.startsWith('--')) throw new Error(`Option ${name} needs a value`);
      flags.set(name, value);
    } else {
      throw new Error(`Unknown option '${arg}'\n\n${USAGE}`);
    }
  }
  return { command, positional, flags };
}

function intFlag(flags: Parsed['flags'], name: string): number | undefined {
  const v = flags.get(name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (typeof v !== 'string' || !Number.isInteger(n) || n < 1) throw new Error(`Option ${name} must be a positive integer, got '${v}'`);
  return n;
}

function strFlag(flags: Parsed['flags'], name: string): string | undefined {
  const v = flags.get(name);
  return typeof v === 'string' ? v : undefined;
}

/** Run options from the flags; their values are checked by the runner (`jobSpecs`). */
function runOptions(flags: Parsed['flags']): RunOptions {
  const backend = strFlag(flags, '--backend');
  return {
    architecture: strFlag(flags, '--architecture') as Architecture | undefined,
    profile: flags.has('--quick') ? 'quick' : 'full',
    seeds: intFlag(flags, '--seeds'),
    jobs: intFlag(flags, '--jobs'),
    backend,
    dataDir: strFlag(flags, '--data-dir'),
    runsDir: strFlag(flags, '--runs-dir') ?? DEFAULT_PATHS.runsDir,
    resultsDir: strFlag(flags, '--results-dir') ?? DEFAULT_PATHS.resultsDir,
  };
}

function expectFlags(parsed: Parsed, allowed: string[]): void {
  for (const name of parsed.flags.keys()) {
    if (!allowed.includes(name)) throw new Error(`Option ${name} does not apply to 'brn ${parsed.command}'`);
  }
}

function pct(x: number): string {
  return `${(100 * x).toFixed(2)}%`;
}

async function drawFigures(profile: Profile, flags: Parsed['flags']): Promise<void> {
  const { makeFigures } = await import('./figures/make.js');
  const made = await makeFigures({
    profile,
    resultsDir: strFlag(flags, '--results-dir') ?? DEFAULT_PATHS.resultsDir,
    figuresDir: strFlag(flags, '--figures-dir') ?? DEFAULT_PATHS.figuresDir,
  });
  for (const f of made) console.log(`wrote ${f}`);
}

async function run(parsed: Parsed): Promise<number> {
  const { command, positional, flags } = parsed;
  if (flags.has('--help') || command === 'help' || command === '--help') {
    console.log(USAGE);
    return 0;
  }
  const runFlags = ['--quick', '--seeds', '--jobs', '--backend', '--data-dir', '--architecture', '--runs-dir', '--results-dir'];
  switch (command) {
    case 'list': {
      expectFlags(parsed, []);
      for (const e of ALL_EXPERIMENTS) {
        const q = forProfile(e, 'quick');
        const sweep = SWEEP_EXPERIMENTS.includes(e) ? ' [sweep]' : '';
        console.log(`${e.name.padEnd(16)} ${e.title}${sweep}${e.paper ? ` (paper ${e.paper.figure})` : ''}; full ${e.steps} steps x ${e.seeds.length} seeds, quick ${q.steps} x ${q.seeds.length}`);
      }
      return 0;
    }
    case 'run':
    case 'reproduce': {
      expectFlags(parsed, command === 'run' ? runFlags : [...runFlags, '--sweeps', '--figures-dir']);
      let experiments;
      if (command === 'run') {
        if (positional.length === 0) throw new Error(`brn run needs at least one experiment: ${ALL_EXPERIMENTS.map((e) => e.name).join(', ')}`);
        experiments = positional.map(experimentByName);
      } else {
        if (positional.length > 0) throw new Error(`brn reproduce takes no experiment names, got '${positional.join(' ')}' (use brn run)`);
        experiments = flags.has('--sweeps') ? [...MAIN_EXPERIMENTS, ...SWEEP_EXPERIMENTS] : MAIN_EXPERIMENTS;
      }
      const options = runOptions(flags);
      const outcome = await runExperiments(experiments, options);
      const { pool } = outcome;
      console.log(`${pool.finished.length} jobs finished, ${pool.skipped.length} already done, ${pool.failed.length} failed in ${outcome.seconds.toFixed(1)} s (backend ${outcome.backends.join(', ') || 'n/a'})`);
      for (const f of pool.failed) console.error(`FAILED ${f.job}: ${f.message}`);
      console.log(outcome.summaryPath === null ? 'summary: not written (no job finished)' : `summary: ${outcome.summaryPath}`);
      for (const e of experiments) {
        const variants = outcome.summary.experiments[e.name];
        if (variants === undefined) continue;
        const cells = Object.entries(variants).map(([v, s]) => `${v} ${pct(s.testAccuracy.mean)} ± ${pct(s.testAccuracy.std)} (n=${s.testAccuracy.n})`);
        console.log(`  ${e.name.padEnd(16)} test accuracy: ${cells.join(', ')}`);
      }
      if (pool.failed.length > 0) return 1;
      if (command === 'reproduce') await drawFigures(options.profile, flags);
      return 0;
    }
    case 'summarize': {
      expectFlags(parsed, ['--quick', '--runs-dir', '--results-dir']);
      const options = runOptions(flags);
      const { path } = writeSummary(options.profile, options.runsDir!, options.resultsDir!, ALL_EXPERIMENTS.map((e) => e.name));
      console.log(`summary: ${path}`);
      return 0;
    }
    case 'figures': {
      expectFlags(parsed, ['--quick', '--results-dir', '--figures-dir']);
      await drawFigures(flags.has('--quick') ? 'quick' : 'full', flags);
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
