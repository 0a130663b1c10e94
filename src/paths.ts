/**
 * Where the kit keeps its outputs. In a checkout, beside package.json
 * (data/runs, data/results, figures/); installed as a package (inside
 * node_modules), under the current directory instead, never into
 * node_modules. Results follow the runs directory when only that is given
 * (its sibling `results/`), and figures follow the results (their sibling
 * `figures/`), so one `--runs-dir build/x/runs` keeps a whole run in build/x.
 */
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';

/** The kit's root directory (the one holding package.json). */
export const KIT_ROOT = resolve(__dirname, '..');

/** Whether the kit runs from a checkout (not from an installed package inside node_modules). */
export const IN_CHECKOUT = !KIT_ROOT.split(sep).includes('node_modules');

export interface KitPaths {
  /** Per-job metric logs and checkpoints. */
  runsDir: string;
  /** Summaries, one directory per profile. */
  resultsDir: string;
  /** Figures (SVG and PNG) and the results table. */
  figuresDir: string;
}

const base = () => (IN_CHECKOUT ? KIT_ROOT : process.cwd());

/** The defaults when nothing is given: see the file's comment. */
export const DEFAULT_PATHS: Readonly<KitPaths> = Object.freeze({
  runsDir: join(base(), 'data', 'runs'),
  resultsDir: join(base(), 'data', 'results'),
  figuresDir: join(base(), 'figures'),
});

/** `given` with every path it leaves out (or sets to undefined) filled in: the one place defaults are decided. */
export function kitPaths(given: Partial<KitPaths> = {}): KitPaths {
  const runsDir = given.runsDir === undefined ? DEFAULT_PATHS.runsDir : resolve(given.runsDir);
  const resultsDir =
    given.resultsDir !== undefined
      ? resolve(given.resultsDir)
      : given.runsDir !== undefined
        ? join(dirname(runsDir), 'results')
        : DEFAULT_PATHS.resultsDir;
  const figuresDir =
    given.figuresDir !== undefined
      ? resolve(given.figuresDir)
      : given.resultsDir !== undefined || given.runsDir !== undefined
        ? join(dirname(resultsDir), 'figures')
        : DEFAULT_PATHS.figuresDir;
  return { runsDir, resultsDir, figuresDir };
}

/**
 * Throws, naming `option` and the path, unless `dir` is a directory this
 * process can write, or can be created (its nearest existing ancestor is a
 * writable directory). Creates nothing.
 */
export function checkWritableDir(dir: string, option: string): void {
  let at = resolve(dir);
  while (!existsSync(at)) {
    const up = dirname(at);
    if (up === at) break;
    at = up;
  }
  if (!statSync(at).isDirectory()) {
    throw new Error(`${option} ${dir}: ${at} is a file, not a directory; give a directory path`);
  }
  try {
    accessSync(at, constants.W_OK);
  } catch {
    const what = at === resolve(dir) ? 'is not writable' : `cannot be created: ${at} is not writable`;
    throw new Error(`${option} ${dir} ${what} by this user; give a directory you can write, or fix its permissions`);
  }
}
