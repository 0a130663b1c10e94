/**
 * What the conv protocol's validation-only convergence check at the paper's
 * schedule (`make cnn-convergence`, data/results/fashion-mnist/cnn-convergence-60k.json,
 * run before the round) says, in one sentence beside the round's results: for
 * each variant checked, the range of its parameter average's validation
 * accuracy over the run's last third, and its gain across that third (from
 * the first evaluation in it to the last). A gain above 0.2 points, about the
 * spread between neighbouring evaluations, reads as still climbing.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readJsonFile } from '../io/atomic';
import { kitPaths } from '../paths';
import { VARIANT_INFO, type SummaryVariant } from '../protocol/variants';

/** Points of validation accuracy gained over the last third above which the check reads as still climbing. */
export const CLIMBING_POINTS = 0.2;

/** What the sentence reads of the check's file (written by `train/convergence.ts`, which the report does not import). */
export interface ConvergenceCheck {
  steps: number;
  curves: Record<string, { step: number; validationAccuracyEma: number }[]>;
}

const pct = (x: number) => (100 * x).toFixed(1);
const steps = (n: number) => n.toLocaleString('en-US');

/** The sentence, from a check's curves. */
export function convergenceSentence(check: ConvergenceCheck, file: string): string {
  const from = Math.ceil((2 * check.steps) / 3);
  const parts = Object.entries(check.curves).map(([variant, points]) => {
    const tail = points.filter((p) => p.step >= from);
    if (tail.length < 2) throw new Error(`${file}: ${variant} has fewer than 2 evaluations from step ${from}`);
    const ema = tail.map((p) => p.validationAccuracyEma);
    const gain = 100 * (ema[ema.length - 1] - ema[0]);
    return {
      text: `${pct(Math.min(...ema))}–${pct(Math.max(...ema))}% for ${VARIANT_INFO[variant as SummaryVariant]?.label ?? variant} (${gain >= 0 ? '+' : '−'}${Math.abs(gain).toFixed(1)} points from the first to the last)`,
      climbing: gain > CLIMBING_POINTS,
      first: tail[0].step,
    };
  });
  const climbing = parts.some((p) => p.climbing);
  return (
    `In the validation-only convergence check at this schedule (\`${file}\`, seed 1, run before the round), ` +
    `the parameter average's validation accuracy from step ${steps(Math.min(...parts.map((p) => p.first)))} to ${steps(check.steps)} is ${parts.map((p) => p.text).join(', ')}. ` +
    (climbing
      ? `The network is **still climbing** at ${steps(check.steps)} steps (a gain above ${CLIMBING_POINTS} points over the last third): these verdicts are of a network not yet converged.`
      : `The network has levelled off (no gain above ${CLIMBING_POINTS} points over the last third): not still climbing at ${steps(check.steps)} steps.`)
  );
}

/** The sentence for the committed check, or null where it is not committed. */
export function convergenceNote(resultsDir?: string): string | null {
  const file = join('data', 'results', 'fashion-mnist', 'cnn-convergence-60k.json');
  const path = join(kitPaths({ resultsDir }).resultsDir, 'fashion-mnist', 'cnn-convergence-60k.json');
  if (!existsSync(path)) return null;
  return convergenceSentence(readJsonFile<ConvergenceCheck>(path), file);
}

/** The note as report lines beside a conv part's primary verdicts (none for an MLP part or the secondary family alone). */
export function convergenceLines(part: { architecture: string }, family?: string): string[] {
  if (part.architecture !== 'conv' || family === 'secondary') return [];
  const note = convergenceNote();
  return note === null ? [] : [note, ''];
}
