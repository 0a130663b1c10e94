/** Reading a figure spec back: its data rows by panel, and the means each series plots (for the figure tests). */
import type { SummaryVariant } from '../protocol/variants';
import type { Stat } from '../results/stats';
import assert from 'node:assert/strict';
import type { Spec } from './chart';
import { FIGURES } from './figures';
import { FIELDS, SUMMARY } from './summary.fixture';

/** Every data row of a spec and its nested views, tagged with the index of the top-level panel it sits in. */
export function rows(spec: Spec, panel = 0): (Record<string, unknown> & { panel: number })[] {
  const own = ((spec.data as { values?: Record<string, unknown>[] } | undefined)?.values ?? []).map((r) => ({
    ...r,
    panel,
  }));
  const children = ['layer', 'vconcat', 'hconcat'].flatMap((k) =>
    ((spec[k] as Spec[] | undefined) ?? []).flatMap((child, i) => rows(child, k === 'layer' ? panel : i)),
  );
  return [...own, ...children];
}

/** Plotted means by series label, as "x:mean" strings (a line's rows carry `series`, `x` and `mean`). */
export function plotted(spec: Spec, panel?: number): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const r of rows(spec)) {
    if (typeof r.series !== 'string' || typeof r.mean !== 'number' || (panel !== undefined && r.panel !== panel))
      continue;
    out.set(r.series, [...(out.get(r.series) ?? []), `${r.x}:${r.mean.toFixed(6)}`]);
  }
  return out;
}

export type Source = [experiment: string, variant: string, field: (typeof FIELDS)[number]];

/** What the series `label` must show: the curve field of (experiment, variant), in percent unless `scale` says otherwise. */
export function expectedCurve([e, v, f]: Source, scale = 100): string[] {
  return SUMMARY.curves[e][v as SummaryVariant]!.map((p) => `${p.step}:${(scale * (p[f] as Stat).mean).toFixed(6)}`);
}

/** A figure's spec from the fixture summary; the figure must have data. */
export function specOf(name: string): Spec {
  const spec = FIGURES.find((f) => f.name === name)!.spec(SUMMARY);
  assert.ok(spec !== null, `figure ${name} has data`);
  return spec;
}

/** Figure `name` plots exactly the series `expected` names (in `panel`), each from the field its source names. */
export function assertSeries(name: string, expected: Record<string, Source>, panel?: number, scale?: number): void {
  const got = plotted(specOf(name), panel);
  assert.deepEqual([...got.keys()].sort(), Object.keys(expected).sort(), `${name}: the series plotted`);
  for (const [label, source] of Object.entries(expected))
    assert.deepEqual(
      got.get(label)!.sort(),
      expectedCurve(source, scale).sort(),
      `${name}: '${label}' plots ${source.join(' ')}`,
    );
}
