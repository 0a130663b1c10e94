/**
 * Figure 8: the exponential moving average of the parameters against the
 * trained parameters over training, seed by seed, for the Batch Renorm
 * variants on label-grouped minibatches (where the average can part from the
 * weights it averages), from each curve point's per-seed values.
 */
import type { SummaryVariant } from '../protocol/variants';
import type { Summary } from '../results/schema';
import type { SeedStat } from '../results/stats';
import { caption, labelOf, top, WIDTH, type Spec } from './chart';

const hasSeeds = (s: unknown): s is SeedStat => Array.isArray((s as SeedStat | null)?.values);

export function averagingSpec(summary: Summary, experiment = 'non-iid'): Spec | null {
  const variants = (['brn', 'brn-noramp'] as const).filter((v) => {
    const points = summary.curves[experiment]?.[v];
    return (
      points !== undefined && points.every((p) => hasSeeds(p.validationAccuracy) && hasSeeds(p.validationAccuracyEma))
    );
  });
  if (variants.length === 0) return null;
  const rows = variants.flatMap((v: SummaryVariant) =>
    summary.curves[experiment]![v]!.flatMap((p) =>
      (['trained', 'average'] as const).flatMap((reading) => {
        const s = (reading === 'trained' ? p.validationAccuracy : p.validationAccuracyEma) as SeedStat;
        return s.values.map((value, i) => ({
          variant: labelOf(v),
          step: p.step,
          seed: `seed ${s.seeds[i]}`,
          reading,
          value: 100 * value,
        }));
      }),
    ),
  );
  const seedOrder = [...new Set(rows.map((r) => r.seed))].sort((a, b) => Number(a.slice(5)) - Number(b.slice(5)));
  const decay = summary.configs[experiment]?.emaDecay;
  const window =
    decay === null || decay === undefined
      ? ''
      : ` (δ = ${decay}, a window of ${Math.round(1 / (1 - decay)).toLocaleString('en-US')} steps)`;
  const seeds = new Set(rows.map((r) => r.seed)).size;
  return top(
    `The parameter average against the trained parameters, seed by seed ('${experiment}')`,
    caption(
      summary,
      `${seeds} seeds, one line each`,
      `${summary.configs[experiment]?.title ?? experiment}. Validation accuracy in inference mode. Solid: the trained parameters and their moving statistics; dashed: the exponential moving average of all of them${window}, the paper's evaluation${summary.profile === 'confirmatory' ? ', judged by rule v2 beside the trained parameters' : " and the claims' headline reading"}.`,
      '',
    ),
    {
      data: { values: rows },
      facet: { column: { field: 'variant', type: 'nominal', title: null, header: { labelFontSize: 12 } } },
      spec: {
        width: Math.round((WIDTH - 40) / variants.length),
        height: 230,
        mark: { type: 'line', strokeWidth: 1.6, clip: true },
        encoding: {
          x: { field: 'step', type: 'quantitative', title: 'training step' },
          y: { field: 'value', type: 'quantitative', title: 'validation accuracy (%)', scale: { zero: false } },
          // Seeds in numeric order (seed 6 before seed 10), not the labels' lexical one.
          color: { field: 'seed', type: 'nominal', title: null, sort: seedOrder },
          strokeDash: {
            field: 'reading',
            type: 'nominal',
            title: null,
            scale: {
              domain: ['trained', 'average'],
              range: [
                [1, 0],
                [5, 3],
              ],
            },
          },
          detail: { field: 'reading' },
        },
      },
    },
  );
}
