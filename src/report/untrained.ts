/**
 * Jobs that did not train: variants that normalize without minibatch
 * statistics (GN, LN, none) whose confirmatory jobs ended at chance with the
 * trained parameters, named in the report beside the verdicts they touch.
 */
import { datasetTitle } from '../data/datasets';
import { TRIPLES } from '../data/triples';
import { VARIANT_INFO, type SummaryVariant } from '../protocol/variants';
import type { Summary } from '../results/schema';

/**
 * Variants that normalize without minibatch statistics (GN, LN, none), so that a test accuracy at chance
 * cannot come from the statistics they are evaluated with: their jobs that ended at most 1.5× chance
 * with the trained parameters did not train.
 */
const BATCH_FREE: readonly string[] = ['gn', 'ln', 'none'];

export function untrained(
  summary: Summary,
  classes: number,
): { experiment: string; variant: string; k: number; n: number }[] {
  return Object.entries(summary.experiments).flatMap(([experiment, e]) =>
    (Object.entries(e.variants) as [SummaryVariant, NonNullable<(typeof e.variants)[SummaryVariant]>][])
      .filter(([variant, v]) => v.trainedIn === undefined && BATCH_FREE.includes(variant))
      .map(([variant, v]) => ({
        experiment,
        variant,
        k: v.testAccuracy.values.filter((a) => a <= 1.5 / classes).length,
        n: v.testAccuracy.values.length,
      }))
      .filter((u) => u.k > 0),
  );
}

/** One sentence naming every confirmatory job set of GN, LN or no normalization that did not train, or null. */
export function untrainedLine(parts: { dataset: string; summary: Summary | null }[]): string | null {
  const seen = new Set<string>();
  const found: string[] = [];
  for (const p of parts) {
    if (p.summary === null || seen.has(p.dataset)) continue;
    seen.add(p.dataset);
    for (const u of untrained(p.summary, classesOf(p.dataset)))
      found.push(
        `${VARIANT_INFO[u.variant as SummaryVariant]?.label ?? u.variant} on ${datasetTitle(p.dataset)} \`${u.experiment}\` (${u.k} of ${u.n} seeds)`,
      );
  }
  return found.length === 0 ? null : `Jobs that ended at chance with the trained parameters: ${found.join('; ')}.`;
}

export const classesOf = (dataset: string) => (dataset === 'mnist-triples' ? TRIPLES.classes : 10);
