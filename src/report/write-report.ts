/**
 * `brn report` (and `make report`): REPORT.md and a self-contained
 * build/REPORT.html (figures embedded as PNG data URIs) from the committed
 * summaries, the compute they record, the committed peer benchmark and the
 * re-estimation check; and the README's claims-at-a-glance block. Everything
 * is read from files, so a second run writes the same bytes.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeFileAtomic } from '../io/atomic';
import { formatPair } from '../results/stats';
import { readSummary } from '../results/store';
import { ALL_CLAIMS } from '../protocol/claims';
import { markdownToHtml } from './html';
import { updateReadme } from './make';
import { ANSWER_KEY, answerTable } from './answer';
import { coreHours, progressNote, provisional, readText, reportMarkdown, reportParts, type ReportPart } from './report';
import { MACHINE } from './report-text';
import { markdownTable, normalizerTable } from './table';
import { averagingFinding } from './averaging-finding';
import { confirmatoryGlance, confirmatoryParts, type ConfirmatoryPart } from './confirmatory';

export interface ReportOptions {
  resultsDir: string;
  figuresDir: string;
  /** Where REPORT.md and REPORT.html go. */
  outDir: string;
  /** Rewrite the claims block of this README (null: none). */
  readme: string | null;
}

const hours = (h: number) => (h < 10 ? h.toFixed(1) : h.toFixed(0));

type Timing = ReportPart['summary']['timing'];

/** One row of the compute table: the jobs, core-hours and step times of `timing`. */
function computeRow(title: string, timing: Timing): { row: Record<string, string>; hours: number } {
  const timings = Object.values(timing).flatMap((v) => Object.values(v).filter((t) => t !== undefined));
  const jobs = timings.reduce((n, t) => n + t.msPerStep.n, 0);
  const ms = timings.map((t) => t.msPerStep.mean);
  const hoursOf = coreHours({ timing });
  return {
    row: {
      'Data set, model': title,
      Jobs: String(jobs),
      'Training, core-hours': hours(hoursOf),
      'ms per step (means of the variants)':
        ms.length === 0 ? '—' : `${Math.min(...ms).toFixed(2)} to ${Math.max(...ms).toFixed(2)}`,
    },
    hours: hoursOf,
  };
}

/** The timing of the experiments of `part`'s model in its confirmatory summary (one summary holds a data set's models). */
function confirmatoryTiming(part: ConfirmatoryPart): Timing {
  const summary = part.summary;
  if (summary === null) return {};
  return Object.fromEntries(
    Object.entries(summary.timing).filter(([e]) => summary.configs[e]?.architecture === part.architecture),
  );
}

/** Jobs, core-hours and the step time of each part and each confirmatory round, from the timing their logs record. */
function computeSection(parts: ReportPart[], confirmatory: ConfirmatoryPart[]): string[] {
  const computed = [
    ...parts.map((p) => computeRow(p.title, p.summary.timing)),
    ...confirmatory
      .map((p) => ({ title: `${p.title}, confirmatory round (rule v2)`, timing: confirmatoryTiming(p) }))
      .filter((p) => Object.keys(p.timing).length > 0)
      .map((p) => computeRow(p.title, p.timing)),
  ];
  const total = computed.reduce((h, c) => h + c.hours, 0);
  return [
    MACHINE,
    '',
    markdownTable(computed.map((c) => c.row)),
    '',
    `In all ${hours(total)} core-hours of training (each job trains on one core); the evaluations, of the trained parameters and of their average, come on top. The step times are the training loop's, with the minibatch draws, averaged over each variant's jobs; a step ran slower when other work shared the cores.`,
  ];
}

/** The README's speed block: the peer benchmark's table, with how it was measured left to the report. */
function readmeSpeed(resultsDir: string): string {
  const table = readText(join(resultsDir, 'bench-peer.md'));
  if (table === null)
    return 'Not measured on this machine yet: `make bench-peer` writes `data/results/bench-peer.md`.\n';
  const start = table.startsWith('|') ? 0 : table.indexOf('\n|');
  if (start < 0) throw new Error("data/results/bench-peer.md has no table: run 'make bench-peer' again");
  const rows = table.slice(start).trim();
  return `One training step, the kit (tfjs, wasm, its fused trainers) beside PyTorch, one thread each, by \`make bench-peer\`; the machine, the method and the conv protocol's own logged step times are in [REPORT.md](REPORT.md#13-speed).\n\n${rows}\n`;
}

/** The committed peer benchmark's table (`make bench-peer`), or how to make it: the report's section 1.3. */
export function speedSection(resultsDir: string): string[] {
  const table = readText(join(resultsDir, 'bench-peer.md'));
  const lines =
    table === null
      ? ['Not measured on this machine yet: `make bench-peer` writes `data/results/bench-peer.md`.']
      : [table.trimEnd()];
  // The conv protocol's own step time, as its committed quick runs logged it.
  const quick = readSummary('quick', resultsDir, 'fashion-mnist');
  const conv = Object.entries(quick?.timing ?? {})
    .filter(([e]) => e.startsWith('cnn-'))
    .flatMap(([, v]) => Object.entries(v).flatMap(([variant, t]) => (t === undefined ? [] : [{ variant, t }])));
  if (conv.length > 0) {
    const ms = (variant: string) => {
      const ts = conv.filter((c) => c.variant === variant).map((c) => c.t.msPerStep.mean);
      return ts.length === 0
        ? null
        : `${variant.toUpperCase()} ${(ts.reduce((a, b) => a + b, 0) / ts.length).toFixed(1)}`;
    };
    const jobs = conv.reduce((n, c) => n + c.t.msPerStep.n, 0);
    lines.push(
      '',
      `The conv protocol's committed quick runs (${jobs} jobs of ${quick!.configs['cnn-baseline']?.steps ?? '?'} steps) logged these training times, in ms per step averaged over their experiments (wall time of the training loop, evaluations excluded; the logs do not record what else shared the machine): ${[
        'bn',
        'brn',
        'gn',
        'ln',
        'none',
      ]
        .map(ms)
        .filter((x) => x !== null)
        .join(', ')}.`,
    );
  }
  return lines;
}

/**
 * Every claim of every part with its headline interval and verdict, the README's table at a glance:
 * one row per question, one column per data set and model (the CNN's claims ask the MLP's questions
 * of the conv model), the trained parameters' verdict named where it differs.
 */
export function claimsAtAGlance(parts: ReportPart[]): string {
  const question = (statement: string) => statement.replace(/^CNN, /, '');
  const questions = [...new Set(parts.flatMap((p) => p.summary.claims.map((c) => question(c.statement))))];
  // A provisional part's planned claims that its summary cannot judge yet (their jobs have not run).
  const waiting = (p: ReportPart) =>
    new Set(
      provisional(p)
        ? ALL_CLAIMS.filter((c) =>
            [c.a, c.b].every((side) => p.planned?.some((e) => e.name === side.experiment) ?? false),
          ).map((c) => question(c.statement))
        : [],
    );
  for (const p of parts) for (const q of waiting(p)) if (!questions.includes(q)) questions.push(q);
  // One n for a column goes in its header; a column whose claims rest on different numbers of seeds keeps each cell's.
  const ns = (p: ReportPart) => [...new Set(p.summary.claims.map((c) => c.ema?.n ?? c.test?.n ?? 0))];
  const header = (p: ReportPart) =>
    `${p.title}${provisional(p) ? ', provisional' : ''}${ns(p).length === 1 ? ` (n=${ns(p)[0]})` : ''}`;
  const cell = (p: ReportPart, q: string) => {
    const c = p.summary.claims.find((x) => question(x.statement) === q);
    if (c === undefined) return waiting(p).has(q) ? 'not yet run' : '—';
    const pair = ns(p).length === 1 ? formatPair(c.ema).replace(/ \(n=\d+\)$/, '') : formatPair(c.ema);
    return `**${c.verdictEma}** ${pair}${c.verdict !== c.verdictEma ? `; trained: ${c.verdict}` : ''}`;
  };
  const rows = questions.map((q) => ({ Claim: q, ...Object.fromEntries(parts.map((p) => [header(p), cell(p, q)])) }));
  const cells = rows.flatMap((r) => Object.values(r));
  const verdicts = parts.reduce((k, p) => k + p.summary.claims.length, 0);
  const split = parts.reduce((k, p) => k + p.summary.claims.filter((c) => c.verdict !== c.verdictEma).length, 0);
  return [
    `The exploratory round: rule v1 on seeds 1–5, a rule written after part of these results were seen, with no equivalence test and no multiplicity control. Each claim as its verdict and b − a in test accuracy, in points, paired by seed, with its 95% interval, read with the parameter average (the headline); "trained:" gives the verdict with the trained parameters where it differs${cells.includes('—') ? '; "—": not a question asked of that model' : ''}${cells.includes('not yet run') ? '; "not yet run": planned, its jobs not yet committed' : ''}. The rule, and what was known when it was committed, are in [REPORT.md](REPORT.md#14-the-verdict-rule-and-what-was-known-when).`,
    '',
    markdownTable(rows),
    '',
    `${split} of ${verdicts} verdicts depend on the reading: [REPORT.md](REPORT.md#b2-verdicts-that-depend-on-the-reading) lists them, with what the average does to each side seed by seed.`,
    '',
    ...parts.filter(provisional).flatMap((p) => [`${p.title}: ${progressNote(p)}`, '']),
  ].join('\n');
}

/** Each normalizer's test accuracy by setting, for every part that compares normalizers: the README's table. */
export function normalizersAtAGlance(parts: ReportPart[]): string {
  const tables = parts.flatMap((p) =>
    p.glance === undefined ? [] : [`**${p.title}**`, '', normalizerTable(p.summary, p.glance, ['testAccuracyEma'])],
  );
  return [
    'Test accuracy with the parameter average, mean ± sample std over seeds, the highest mean of each row in bold (GN, LN and no normalization do not depend on the microbatch size: theirs are the whole-minibatch jobs). Whether a gap is more than noise is for the claims above.',
    '',
    ...tables,
  ].join('\n');
}

const STYLE = `body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
table{border-collapse:collapse;font-size:13px;margin:1rem 0}th,td{border:1px solid #ccc;padding:3px 6px;vertical-align:top}
th{background:#f3f3f3}img{max-width:100%}code{background:#f5f5f5;padding:0 3px}pre{background:#f5f5f5;padding:8px;overflow:auto}
h1,h2,h3{line-height:1.2}
@page{margin:1.6cm 1.5cm}@media print{body{font-size:12.5px;max-width:none;margin:0;padding:0}table{font-size:11px}th,td{padding:2px 5px}}`;

/** The report as one HTML file, its images inlined as data URIs (paths relative to `base`). */
export function reportHtml(md: string, base: string): string {
  const image = (src: string) => {
    const path = resolve(base, src);
    return existsSync(path) ? `data:image/png;base64,${readFileSync(path).toString('base64')}` : src;
  };
  // <details> blocks pass through as text in markdownToHtml: keep them as HTML.
  const body = markdownToHtml(md, image)
    .replace(/<p>&lt;details&gt;&lt;summary&gt;(.*?)&lt;\/summary&gt;<\/p>/g, '<details><summary>$1</summary>')
    .replace(/<p>&lt;\/details&gt;<\/p>/g, '</details>');
  return `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Batch Renormalization at laptop scale: a replication report</title><style>${STYLE}</style></head><body>\n${body}\n</body></html>\n`;
}

/** The report's Markdown and HTML and the README's claims block, as `writeReport` would write them for `outDir`. */
export function buildReport(options: Omit<ReportOptions, 'readme'>): {
  md: string;
  html: string;
  claims: string;
  confirmatory: string;
  answer: string;
  speed: string;
  normalizers: string;
} {
  const parts = reportParts(options.resultsDir, options.figuresDir);
  if (parts.length === 0)
    throw new Error(
      `No full-profile summary under ${options.resultsDir}: run 'make reproduce' (or 'make rebuild') first`,
    );
  const confirmatory = confirmatoryParts(options.resultsDir);
  const md = reportMarkdown(parts, {
    base: options.outDir,
    confirmatory,
    figuresDir: options.figuresDir,
    resultsDir: options.resultsDir,
    compute: computeSection(parts, confirmatory),
    speed: speedSection(options.resultsDir),
    findings: averagingFinding(options.resultsDir, options.figuresDir, options.outDir),
  });
  return {
    md,
    html: reportHtml(md, options.outDir),
    claims: claimsAtAGlance(parts),
    confirmatory: confirmatoryGlance(confirmatory),
    answer: `${answerTable(confirmatory).trimEnd()}\n\n${ANSWER_KEY} Caveats, the readings and the intervals: [REPORT.md](REPORT.md#the-answer).\n`,
    speed: readmeSpeed(options.resultsDir),
    normalizers: normalizersAtAGlance(parts),
  };
}

/** Writes REPORT.md, build/REPORT.html and (with `readme`) the README's claims block; returns the paths written. */
export function writeReport(options: ReportOptions): string[] {
  const { md, html, claims, confirmatory, answer, speed, normalizers } = buildReport(options);
  // The HTML inlines every figure (megabytes): a build product beside the PDF, not a committed file.
  const written = [join(options.outDir, 'REPORT.md'), join(options.outDir, 'build', 'REPORT.html')];
  writeFileAtomic(written[0], md);
  writeFileAtomic(written[1], html);
  if (options.readme !== null) {
    // Each block whose markers the README has (one without them is left alone).
    const done = [
      updateReadme(options.readme, 'answer', answer),
      updateReadme(options.readme, 'confirmatory', confirmatory),
      updateReadme(options.readme, 'claims', claims),
      updateReadme(options.readme, 'normalizers', normalizers),
      updateReadme(options.readme, 'speed', speed),
    ];
    if (done.some((d) => d)) written.push(options.readme);
  }
  return written;
}
