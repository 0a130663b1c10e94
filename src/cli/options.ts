/** What the commands share: run options from the flags (every value checked) and the experiments a command names. */
import { BACKENDS, isBackendName } from '../backend';
import { DATASET_NAMES } from '../data/datasets';
import { ARCHITECTURES, type Architecture } from '../models';
import { kitPaths, type KitPaths } from '../paths';
import {
  allVariants,
  forProfile,
  hasProfile,
  TRAINED_VARIANTS,
  type ExperimentConfig,
  type Profile,
} from '../protocol/config';
import {
  ALL_EXPERIMENTS,
  CNN_EXPERIMENTS,
  experimentByName,
  MAIN_EXPERIMENTS,
  SWEEP_EXPERIMENTS,
} from '../protocol/registry';
import type { RunOptions } from '../train/runner';

/** Data sets some experiments are defined on (their `dataset`): naming one picks those experiments. */
const DATASETS_OWNED = [...new Set(ALL_EXPERIMENTS.flatMap((e) => (e.dataset === undefined ? [] : [e.dataset])))];
import { intFlag, listFlag, strFlag, UsageError, type Flags, type Parsed } from './args';

/** The profile the flags name: --quick, --confirmatory (rule v2's round), else full. */
export function profileOf(flags: Flags, command: string): Profile {
  if (flags.quick === true && flags.confirmatory === true)
    throw new UsageError('--quick and --confirmatory name two profiles: give one', command);
  return flags.quick === true ? 'quick' : flags.confirmatory === true ? 'confirmatory' : 'full';
}

/** Run options from the flags, every value checked: a bad one is a usage error naming it. */
export function runOptions(flags: Flags, command: string): RunOptions & KitPaths {
  const bad = (what: string, value: string, expected: readonly string[]) =>
    new UsageError(`unknown ${what} '${value}': expected one of ${expected.join(', ')}`, command);
  const backend = strFlag(flags, 'backend');
  if (backend !== undefined && !isBackendName(backend)) throw bad('backend', backend, BACKENDS);
  const architecture = strFlag(flags, 'architecture');
  if (architecture !== undefined && !(ARCHITECTURES as readonly string[]).includes(architecture)) {
    throw bad('architecture', architecture, ARCHITECTURES);
  }
  const dataset = strFlag(flags, 'dataset');
  if (dataset !== undefined && !DATASET_NAMES.includes(dataset)) throw bad('dataset', dataset, DATASET_NAMES);
  for (const v of listFlag(flags, 'variant') ?? []) {
    if (!(TRAINED_VARIANTS as readonly string[]).includes(v)) throw bad('variant', v, TRAINED_VARIANTS);
  }
  if (strFlag(flags, 'dataset') !== undefined && strFlag(flags, 'data-dir') !== undefined) {
    throw new UsageError('--dataset and --data-dir both name the data: give one', command);
  }
  return {
    architecture: strFlag(flags, 'architecture') as Architecture | undefined,
    profile: profileOf(flags, command),
    seeds: intFlag(flags, 'seeds', command),
    jobs: intFlag(flags, 'jobs', command),
    steps: intFlag(flags, 'steps', command),
    variants: listFlag(flags, 'variant'),
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

/** The experiments a command names, or its group (--sweeps, --cnn, else the paper's three). */
export function experimentsOf(
  parsed: Parsed,
  named: string[],
  profile: Profile = profileOf(parsed.flags, parsed.command),
): ExperimentConfig[] {
  const experiments =
    named.length > 0
      ? named.map((n) => {
          try {
            return experimentByName(n);
          } catch (err) {
            throw new UsageError((err as Error).message, parsed.command);
          }
        })
      : profile === 'confirmatory' && parsed.flags.cnn !== true
        ? ALL_EXPERIMENTS.filter(
            (e) =>
              e.architecture === 'mlp' &&
              hasProfile(e, 'confirmatory') &&
              // Experiments defined on a data set of their own (mnist-triples) when it is named, the others else.
              (e.dataset ?? null) ===
                (DATASETS_OWNED.includes(strFlag(parsed.flags, 'dataset') ?? '')
                  ? strFlag(parsed.flags, 'dataset')
                  : null),
          )
        : parsed.flags.cnn === true
          ? CNN_EXPERIMENTS
          : parsed.flags.sweeps === true
            ? [...MAIN_EXPERIMENTS, ...SWEEP_EXPERIMENTS]
            : MAIN_EXPERIMENTS;
  // --variant must name a variant of every experiment it applies to (its own or one it shares).
  const wanted = listFlag(parsed.flags, 'variant') ?? [];
  for (const e of wanted.length === 0 ? [] : experiments) {
    const all: string[] = allVariants(hasProfile(e, profile) ? forProfile(e, profile) : e);
    if (!wanted.some((v) => all.includes(v)))
      throw new UsageError(
        `${e.name} has none of the variants ${wanted.join(', ')}: its variants are ${all.join(', ')}`,
        parsed.command,
      );
  }
  return experiments;
}
