/** Where the kit keeps its outputs: beside package.json, wherever it is run from. */
import { join, resolve } from 'node:path';

/** The kit's root directory (the one holding package.json). */
export const KIT_ROOT = resolve(__dirname, '..');

export interface KitPaths {
  /** Per-job metric logs and checkpoints. */
  runsDir: string;
  /** Summaries, one directory per profile. */
  resultsDir: string;
  /** Figures (SVG and PNG) and the results table. */
  figuresDir: string;
}

export const DEFAULT_PATHS: Readonly<KitPaths> = Object.freeze({
  runsDir: join(KIT_ROOT, 'data', 'runs'),
  resultsDir: join(KIT_ROOT, 'data', 'results'),
  figuresDir: join(KIT_ROOT, 'figures'),
});

/** `given` with every path it leaves out (or sets to undefined) taken from `DEFAULT_PATHS`: the one place defaults are filled in. */
export function kitPaths(given: Partial<KitPaths> = {}): KitPaths {
  return {
    runsDir: given.runsDir ?? DEFAULT_PATHS.runsDir,
    resultsDir: given.resultsDir ?? DEFAULT_PATHS.resultsDir,
    figuresDir: given.figuresDir ?? DEFAULT_PATHS.figuresDir,
  };
}
