/** Where the kit keeps its outputs: beside package.json, wherever it is run from. */
import { join, resolve } from 'node:path';

/** The kit's root directory (the one holding package.json). */
export const KIT_ROOT = resolve(__dirname, '..');

export const DEFAULT_PATHS = {
  /** Per-job metric logs and checkpoints. */
  runsDir: join(KIT_ROOT, 'data', 'runs'),
  /** Summaries, one directory per profile. */
  resultsDir: join(KIT_ROOT, 'data', 'results'),
  /** Figures (SVG and PNG) and the results table. */
  figuresDir: join(KIT_ROOT, 'figures'),
};
