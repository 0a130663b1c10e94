/** What `brn --help` and `brn <command> --help` print: the one description of the commands and their options. */
import { BACKENDS } from '../backend';
import type { OptionName } from './args';

const OPTION_HELP: Record<OptionName, string> = {
  quick: '--quick            the quick profile (steps, ramp and averaging window / 20; 2 seeds)',
  confirmatory:
    "--confirmatory     rule v2's confirmatory round: the full configs on its fresh seeds (6-15; conv 6-10) and planned variants",
  readme: "--readme           also rewrite README.md's claims block and REPORT.md (full profile)",
  sweeps: '--sweeps           also the microbatch-size and labels-per-batch sweeps',
  cnn: '--cnn              the conv protocol (cnn-*) instead of the MLP experiments',
  help: '--help             this text',
  slurm: '--slurm            submit to Slurm with sbatch (the only scheduler brn submits to)',
  'dry-run': '--dry-run          write and print the sbatch script, submit nothing',
  seeds: "--seeds N          seeds 1…N instead of the experiment's own",
  jobs: '--jobs N           worker processes (default: one per core)',
  backend: `--backend B        force a backend: ${BACKENDS.join(', ')} (default: the fastest that loads; also BRN_BACKEND)`,
  'data-dir': '--data-dir D       a directory of the four MNIST-format IDX files (or .gz) instead of MNIST',
  dataset: "--dataset NAME     mnist (default) or fashion-mnist (Debian's dataset-fashion-mnist), checked by md5",
  architecture: "--architecture A   train mlp or conv instead of the experiment's model, as '<experiment>-<A>'",
  variant: '--variant V        only these variants (repeat it, or give a comma list: --variant bn,brn)',
  steps: "--steps N          a shorter (or longer) job: N steps, run as '<experiment>-steps<N>' (its own logs)",
  'runs-dir': '--runs-dir D       where job logs go (default: data/runs; outside a checkout ./data/runs)',
  'results-dir': '--results-dir D    where summaries go (default: beside the runs directory, <runs-dir>/../results)',
  'figures-dir': '--figures-dir D    where figures go (default: beside the results, <results-dir>/../figures)',
  partition: "--partition P      the Slurm partition (default: the cluster's default)",
  time: '--time T           the time limit of each array task, as sbatch takes it (default: 2:00:00)',
  'max-parallel': '--max-parallel M   run at most M array tasks at once (default: no limit)',
};

export interface CommandHelp {
  usage: string;
  summary: string;
  detail?: string;
  options: readonly OptionName[];
}

const RUN_OPTIONS = [
  'quick',
  'confirmatory',
  'seeds',
  'jobs',
  'backend',
  'data-dir',
  'dataset',
  'architecture',
  'variant',
  'steps',
  'runs-dir',
  'results-dir',
] as const;

export const COMMANDS: Record<string, CommandHelp> = {
  list: { usage: 'brn list', summary: 'the experiments, their variants and step counts', options: [] },
  run: {
    usage: 'brn run <experiment>... [options]',
    summary: 'train the jobs of these experiments (finished jobs are skipped, interrupted ones resume), then summarize',
    detail:
      'Jobs run in parallel worker processes; Ctrl-C stops them, and the same command resumes from the last checkpoints.',
    options: RUN_OPTIONS,
  },
  reproduce: {
    usage: 'brn reproduce [--sweeps | --cnn] [options]',
    summary: 'run baseline, microbatch and non-iid (and the sweeps, or the conv protocol), then draw the figures',
    options: [...RUN_OPTIONS, 'sweeps', 'cnn', 'figures-dir', 'readme'],
  },
  summarize: {
    usage: 'brn summarize [--quick | --confirmatory] [--dataset D] [--runs-dir D] [--results-dir D]',
    summary: "rewrite a profile's summary.json from its finished logs",
    detail: 'Refused, saying why, when a log fails its check or when logs behind the old summary are missing.',
    options: ['quick', 'confirmatory', 'runs-dir', 'results-dir', 'data-dir', 'dataset'],
  },
  figures: {
    usage: 'brn figures [--quick | --confirmatory] [--readme] [--dataset D] [--results-dir D] [--figures-dir D]',
    summary:
      "draw the figures (and with --readme the README and REPORT blocks) from a summary; the confirmatory round's go to <figures-dir>/confirmatory",
    options: ['quick', 'confirmatory', 'results-dir', 'figures-dir', 'readme', 'dataset'],
  },
  report: {
    usage: 'brn report [--readme] [--results-dir D] [--figures-dir D]',
    summary:
      'write REPORT.md, and build/REPORT.html with its figures inlined, beside the figures directory, from the full summaries',
    detail:
      "With the default directories: the checkout's REPORT.md and build/REPORT.html; --readme also rewrites the claims block of README.md.",
    options: ['results-dir', 'figures-dir', 'readme'],
  },
  reestimate: {
    usage: 'brn reestimate <experiment> [--variant V] [--quick] [--dataset D] [options]',
    summary:
      "train an experiment's jobs again in a scratch directory and read each final network with re-estimated population statistics",
    detail:
      'Each job is checked against its committed log; its trained and averaged networks are read with their moving statistics, with population statistics over the training set, and the averaged weights with the trained statistics. Writes <results-dir>/[<data set>/]<profile>/reestimate-<experiment>.json.',
    options: ['quick', 'seeds', 'backend', 'data-dir', 'dataset', 'variant', 'steps', 'runs-dir', 'results-dir'],
  },
  check: {
    usage:
      'brn check [<experiment>...] [--quick | --confirmatory] [--seeds N] [--variant V] [--dataset D] [--runs-dir D]',
    summary: 'hold every finished job under --runs-dir against the committed reference (test accuracy, identical)',
    detail:
      "The quick profile against data/reference/quick.json; the full profile against the committed logs. Experiments, --seeds or --variant given: only those jobs are requested; a requested job with no finished log is absent (a failure), the reference's others are listed as not requested.",
    options: ['quick', 'confirmatory', 'seeds', 'variant', 'runs-dir', 'data-dir', 'dataset'],
  },
  reference: {
    usage: 'brn reference [<experiment>...] [--quick] [--dataset D] [--runs-dir D]',
    summary: 'write data/reference/<profile>.json from the finished jobs under --runs-dir',
    options: ['quick', 'confirmatory', 'runs-dir', 'data-dir', 'dataset'],
  },
  'seal-logs': {
    usage: 'brn seal-logs [--runs-dir D]',
    summary: 'seal finished logs made before logs carried a digest (one-time; checks every record, changes no result)',
    options: ['runs-dir'],
  },
  submit: {
    usage:
      'brn submit <quick|full|confirmatory> [<experiment>...] --slurm [--partition P] [--time T] [--max-parallel M] [--dry-run] [options]',
    summary: 'write an sbatch array script with one task per unfinished job, and submit it',
    detail:
      'The runs directory must be on a filesystem every node sees. Each task runs `brn run-job`, the same code as a local run (logs, locks, resume).',
    options: [
      'slurm',
      'partition',
      'time',
      'max-parallel',
      'dry-run',
      'sweeps',
      'cnn',
      'seeds',
      'backend',
      'data-dir',
      'dataset',
      'variant',
      'steps',
      'runs-dir',
    ],
  },
  status: {
    usage: 'brn status <quick|full|confirmatory> [<experiment>...] [options]',
    summary: 'done, running, pending and failed jobs, from the logs and locks (and squeue/sacct where Slurm is)',
    options: ['sweeps', 'cnn', 'seeds', 'data-dir', 'dataset', 'variant', 'steps', 'runs-dir'],
  },
  'run-job': {
    usage: 'brn run-job <profile>/<experiment>/<variant>-seed<N> [options]',
    summary: 'train one job in this process (what each Slurm array task runs)',
    options: ['backend', 'data-dir', 'dataset', 'steps', 'runs-dir'],
  },
};

const EXIT_CODES =
  'Exit codes: 0 success, 1 a failure (a job, a check, a faulty log), 2 a usage error, 130 interrupted.';

export function globalHelp(): string {
  const width = Math.max(...Object.values(COMMANDS).map((c) => c.usage.split(' [')[0].length));
  const lines = Object.values(COMMANDS).map((c) => `  ${c.usage.split(' [')[0].padEnd(width)}  ${c.summary}`);
  return [
    'Usage: brn <command> [options]',
    '',
    'Commands:',
    ...lines,
    '',
    "Run 'brn <command> --help' for its options.",
    EXIT_CODES,
  ].join('\n');
}

export function commandHelp(name: string): string {
  const c = COMMANDS[name];
  const options = c.options.length === 0 ? [] : ['', 'Options:', ...c.options.map((o) => `  ${OPTION_HELP[o]}`)];
  return [`Usage: ${c.usage}`, '', c.summary + '.', ...(c.detail ? [c.detail] : []), ...options, '', EXIT_CODES].join(
    '\n',
  );
}
