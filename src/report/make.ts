/**
 * `make figures`: reads a profile's summary and writes every figure it has
 * data for to `<figuresDir>/<name>.svg` and `.png`, the results block (for
 * the full profile the findings, claims and controls, then the results table)
 * to `<figuresDir>/results-<profile>.md`, and the block into README.md between
 * its `<!-- results:<profile>:start -->` and `…:end -->` markers. The
 * notebooks call the same functions.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../io/atomic';
import type { Profile } from '../protocol/config';
import type { Summary } from '../results/schema';
import { readSummary } from '../results/store';
import { partialNote } from '../results/completeness';
import { CLASS_COUNT_FIGURE, FIGURES, type FigureDef, type Spec } from './figures';
import { CONFIRMATORY_VERDICT_FIGURES, confirmatoryVerdictsSpec } from './confirmatory-figure';
import { confirmatoryParts } from './confirmatory';
import { classCountSpec } from './sweep-figures';
import { renderSvg, svgToPng } from './render';
import { resultsBlock } from './table';

export interface FigureOptions {
  profile: Profile;
  /** The data set (default mnist); other data sets' figures go to `<figuresDir>/<dataset>/`. */
  dataset?: string;
  resultsDir: string;
  figuresDir: string;
  /** Rewrite the table block in this README (default null: none). */
  readme?: string | null;
}

/** The figure called `name`; an unknown name is an error listing the known ones. */
export function figureByName(name: string): FigureDef {
  const def = FIGURES.find((f) => f.name === name);
  if (def === undefined)
    throw new Error(`Unknown figure '${name}': expected one of ${FIGURES.map((f) => f.name).join(', ')}`);
  return def;
}

/** Figure `name` of `summary` as an SVG string, or null when the summary lacks its data (e.g. a sweep not run). */
export async function renderFigureSvg(name: string, summary: Summary): Promise<string | null> {
  const spec = figureByName(name).spec(summary);
  return spec === null ? null : renderSvg(notingPartial(spec, [summary]));
}

/** A summary that lacks planned jobs says so in the title of every figure drawn from it. */
function notingPartial(spec: Spec, summaries: Summary[]): Spec {
  const title = (spec as { title?: { text?: string } }).title;
  for (const s of summaries) {
    const note = partialNote(s.jobs);
    if (note !== null && title !== undefined && typeof title.text === 'string') title.text = `${title.text} (${note})`;
  }
  return spec;
}

/** Writes an SVG and its PNG rendering. */
function writeSvgAndPng(paths: { svg: string; png: string }, svg: string): void {
  writeFileAtomic(paths.svg, svg);
  writeFileAtomic(paths.png, svgToPng(svg));
}

/** Renders one figure to SVG and PNG files; returns their paths, or null when the summary lacks its data. */
export async function writeFigure(
  def: FigureDef,
  summary: Summary,
  figuresDir: string,
): Promise<{ svg: string; png: string } | null> {
  const svg = await renderFigureSvg(def.name, summary);
  if (svg === null) return null;
  const paths = { svg: join(figuresDir, `${def.name}.svg`), png: join(figuresDir, `${def.name}.png`) };
  writeSvgAndPng(paths, svg);
  return paths;
}

/**
 * Replaces the block between `<!-- results:<key>:start -->` and `…:end -->` of
 * `readme` with `table`; false (nothing written) when the file or the block is missing.
 */
export function updateReadme(readme: string, key: string, table: string): boolean {
  if (!existsSync(readme)) return false;
  const start = `<!-- results:${key}:start -->`;
  const end = `<!-- results:${key}:end -->`;
  const text = readFileSync(readme, 'utf8');
  const a = text.indexOf(start);
  const b = text.indexOf(end);
  if (a < 0 || b < a) return false;
  writeFileAtomic(readme, `${text.slice(0, a + start.length)}\n${table}${text.slice(b)}`);
  return true;
}

/**
 * Draws every figure of the profile's summary. For the full profile, a figure
 * the full summary has no data for (the sweeps, until they run at full length)
 * is drawn from the quick summary instead, its caption naming the profile;
 * except the conv protocol's once the full summary has begun it, and a figure
 * drawn from neither is removed, so none outlives the data it was drawn from.
 * Writes the results table of each summary used, and with `readme` their
 * blocks in that README.
 */
export async function makeFigures(options: FigureOptions): Promise<string[]> {
  const dataset = options.dataset ?? 'mnist';
  const summary = readSummary(options.profile, options.resultsDir, dataset);
  if (summary === null) {
    throw new Error(
      `No ${options.profile}${dataset === 'mnist' ? '' : ` ${dataset}`} summary under ${options.resultsDir}: run 'brn reproduce${options.profile === 'quick' ? ' --quick' : ''}${dataset === 'mnist' ? '' : ` --dataset ${dataset}`}' first`,
    );
  }
  const fallback = options.profile === 'full' ? readSummary('quick', options.resultsDir, dataset) : null;
  // The confirmatory round's figures sit apart from the exploratory (full) ones they would otherwise replace.
  const base = options.profile === 'confirmatory' ? join(options.figuresDir, 'confirmatory') : options.figuresDir;
  const figuresDir = dataset === 'mnist' ? base : join(base, dataset);
  const written: string[] = [];
  // A protocol the full summary has begun (the conv one) is drawn from it alone, as far as it has run,
  // never mixed with quick-profile figures; the quick summary stands in only for a protocol not begun.
  const cnnBegun = Object.keys(summary.experiments).some((e) => e.startsWith('cnn-'));
  // Rule v1's verdict figure belongs to the exploratory round; the confirmatory one has rule v2's (below).
  const defs = options.profile === 'confirmatory' ? FIGURES.filter((f) => f.name !== 'verdicts') : FIGURES;
  for (const def of defs) {
    const quick = fallback !== null && !(def.name.startsWith('cnn-') && cnnBegun) ? fallback : null;
    const paths =
      (await writeFigure(def, summary, figuresDir)) ??
      (quick === null ? null : await writeFigure(def, quick, figuresDir));
    if (paths === null) {
      // A figure drawn from other data before (a quick-profile stand-in, say) must not outlive it.
      const stale = ['svg', 'png'].map((ext) => join(figuresDir, `${def.name}.${ext}`)).filter((f) => existsSync(f));
      for (const f of stale) rmSync(f);
      console.error(
        `figure '${def.name}': no data in the ${options.profile} summary${quick === null ? '' : ' nor the quick one'} (skipped${stale.length > 0 ? `; removed the earlier ${stale.join(', ')}` : ''})`,
      );
    } else written.push(paths.svg, paths.png);
  }
  if (dataset === 'mnist-triples') written.push(...(await writeClassCountFigure(summary, options, figuresDir)));
  if (options.profile === 'confirmatory') written.push(...(await writeConfirmatoryVerdicts(options.resultsDir, base)));
  for (const s of fallback === null ? [summary] : [summary, fallback]) {
    // The full profile's block leads with the claims and their verdicts; the quick one (2 seeds) is the table alone.
    const table = resultsBlock(s, { claims: s.profile === 'full' });
    const tablePath = join(figuresDir, `results-${s.profile}.md`);
    writeFileAtomic(tablePath, table);
    written.push(tablePath);
    const readme = options.readme ?? null;
    const key = dataset === 'mnist' ? s.profile : `${dataset}:${s.profile}`;
    if (readme !== null && updateReadme(readme, key, table)) written.push(readme);
  }
  return written;
}

/**
 * Rule v2's verdict figures, primary and secondary, over every data set's confirmatory summary
 * (the same whichever data set's figures are being drawn); one no summary has a verdict for is removed.
 */
async function writeConfirmatoryVerdicts(resultsDir: string, dir: string): Promise<string[]> {
  const parts = confirmatoryParts(resultsDir);
  const written: string[] = [];
  for (const def of CONFIRMATORY_VERDICT_FIGURES) {
    const spec = confirmatoryVerdictsSpec(parts, def.family);
    const paths = { svg: join(dir, `${def.name}.svg`), png: join(dir, `${def.name}.png`) };
    if (spec === null) {
      for (const f of Object.values(paths)) if (existsSync(f)) rmSync(f);
      console.error(`figure '${def.name}': no confirmatory verdicts under ${resultsDir} (skipped)`);
      continue;
    }
    writeSvgAndPng(paths, await renderSvg(spec));
    written.push(paths.svg, paths.png);
  }
  return written;
}

/**
 * Figure 9c beside the 1,000-class task's figures: its summary with MNIST's
 * of the same profile (the 10-class labels-per-batch sweep). Removed when
 * either lacks its sweep, as any other figure whose data is gone.
 */
async function writeClassCountFigure(thousand: Summary, options: FigureOptions, figuresDir: string): Promise<string[]> {
  const ten = readSummary(options.profile, options.resultsDir, 'mnist');
  const spec = ten === null ? null : classCountSpec(ten, thousand);
  const paths = ['svg', 'png'].map((ext) => join(figuresDir, `${CLASS_COUNT_FIGURE.name}.${ext}`));
  if (spec === null) {
    const stale = paths.filter((f) => existsSync(f));
    for (const f of stale) rmSync(f);
    console.error(
      `figure '${CLASS_COUNT_FIGURE.name}': needs the labels-per-batch sweeps of both the ${options.profile} MNIST and mnist-triples summaries (skipped${stale.length > 0 ? `; removed the earlier ${stale.join(', ')}` : ''})`,
    );
    return [];
  }
  writeSvgAndPng({ svg: paths[0], png: paths[1] }, await renderSvg(notingPartial(spec, [ten!, thousand])));
  return paths;
}
