/**
 * The confirmatory round in the report and the README: rule v2's verdicts
 * (`protocol/rule.ts`, judged into each confirmatory summary by
 * `results/rule-verdicts.ts`), family by family, with for every verdict its
 * reading, n, δ, raw and Holm p and interval; when the round's jobs started
 * against the rule's commit; the conv round's convergence check; and the jobs that did not train.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { datasetTitle } from '../data/datasets';
import { CONFIRMATORY_SEEDS, familiesOf } from '../protocol/rule';
import type { ClaimFamily, Family } from '../protocol/rule-claim';
import { VARIANT_INFO, type SummaryVariant } from '../protocol/variants';
import type { FamilyResult, ReadingResult, RuleClaimResult, V2Verdict } from '../results/rule-verdicts';
import type { Summary } from '../results/schema';
import { formatPoints } from '../results/stats';
import { readSummary } from '../results/store';
import { classesOf, untrained } from './untrained';
import { notRunReason, partFigures } from './report-text';
import { convergenceLines } from './convergence-note';
import { anchorOf, markdownTable } from './table';

/** Rule v2's commit, as `git log` names it: the fixed point every confirmatory log must start after. */
export const RULE_V2_COMMIT = { hash: 'bb82087', date: '2026-12-05T15:53:00Z' } as const;

/** The data sets with a confirmatory round, in the report's order: the paper's non-i.i.d. setting (1,000 classes) first. */
export const CONFIRMATORY_DATASETS = ['mnist-triples', 'mnist', 'fashion-mnist'] as const;

export interface ConfirmatoryPart {
  /** e.g. "MNIST, MLP". */
  title: string;
  dataset: string;
  architecture: ClaimFamily['architecture'];
  /** The summary, or null where none is committed (every claim then 'not run'). */
  summary: Summary | null;
  /** The primary family, then the secondary, judged where the summary holds them. */
  families: FamilyResult[];
}

/** A family no summary has judged: its claims, each 'not run'. */
function unjudged(f: ClaimFamily): FamilyResult {
  return {
    architecture: f.architecture,
    family: f.family,
    m: f.claims.length,
    claims: f.claims.map((c) => ({ ...c, trained: null, average: null, headline: 'not run' as V2Verdict })),
  };
}

/** Every data set × model rule v2 declares a family for, with its committed confirmatory verdicts. */
export function confirmatoryParts(resultsDir: string): ConfirmatoryPart[] {
  return CONFIRMATORY_DATASETS.flatMap((dataset) => {
    const summary = readSummary('confirmatory', resultsDir, dataset);
    const declared = familiesOf(dataset);
    const architectures = [...new Set(declared.map((f) => f.architecture))];
    return architectures.map((architecture) => ({
      title: `${datasetTitle(dataset)}, ${architecture === 'conv' ? 'CNN' : 'MLP'}`,
      dataset,
      architecture,
      summary,
      families: declared
        .filter((f) => f.architecture === architecture)
        .map(
          (f) =>
            summary?.ruleV2?.find((j) => j.architecture === f.architecture && j.family === f.family) ?? unjudged(f),
        ),
    }));
  });
}

const interval = (ci: [number, number]) => `[${formatPoints(ci[0])}, ${formatPoints(ci[1])}]`;
/**
 * A p value as the tables print it: three significant digits below 0.1, so a p just under a level
 * (0.0246 against 0.025) never prints as the level itself; three decimals above.
 */
export const formatP = (p: number) =>
  p < 0.001 ? '<0.001' : p < 0.1 ? String(Number(p.toPrecision(3))) : p.toFixed(3);

/** An ISO 8601 UTC time as the tables print it: `2026-12-05 15:53:00 UTC`. */
const when = (iso: string | null) => (iso === null ? '—' : iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC'));

/** b − a and its 95% interval, in points. */
const difference = (r: ReadingResult) => `${formatPoints(r.mean)} ${interval(r.ci95)}`;

/** The p a verdict rests on: "beats" the Holm p of b > a, or of b < a when that one is the verdict. */
export function decidingP(r: ReadingResult): { raw: number; holm: number } {
  if (r.verdict === 'against' && r.pAgainst !== null && r.pAgainstHolm !== null)
    return { raw: r.pAgainst, holm: r.pAgainstHolm };
  return { raw: r.p, holm: r.pHolm };
}

/** One reading in the README's cell: its verdict, b − a [95% CI], δ for "matches", Holm p. */
function readingCell(r: ReadingResult | null): string {
  if (r === null) return 'not run';
  const delta = r.margin === null ? '' : `, δ ±${(100 * r.margin).toFixed(2)}`;
  return `${r.verdict}: ${difference(r)}${delta}, Holm p ${formatP(decidingP(r).holm)}`;
}

/** Whether any claim of the part has been judged (a model with no committed job has none). */
export const judged = (part: ConfirmatoryPart) =>
  part.families.some((f) => f.claims.some((c) => c.headline !== 'not run'));

/** "partial: k of n jobs" for a judged part whose summary lacks planned jobs (the account is the summary's, all models). */
const partialNote = (part: ConfirmatoryPart) => {
  const jobs = part.summary?.jobs;
  if (part.summary === null || jobs === undefined || !judged(part)) return null;
  const own = jobs.planned;
  return jobs.held < own ? `partial: ${jobs.held} of ${own} jobs` : null;
};

/** A family's verdicts counted, e.g. "2 reproduced, 1 inconclusive". */
export function tallyOf(families: FamilyResult[]): string {
  const counts = new Map<V2Verdict, number>();
  for (const c of families.flatMap((f) => f.claims)) counts.set(c.headline, (counts.get(c.headline) ?? 0) + 1);
  return [...counts].map(([v, k]) => `${k} ${v}`).join(', ');
}

/** The whole round of this part's model still running (`Summary.inProgress`), if any. */
const runningOf = (part: ConfirmatoryPart) =>
  judged(part) ? undefined : part.summary?.inProgress?.find((r) => r.architecture === part.architecture);
export const runningCell = (part: ConfirmatoryPart) => {
  const r = runningOf(part);
  return r === undefined ? null : `running: ${r.finished} of ${r.planned} jobs`;
};

const familyOf = (part: ConfirmatoryPart, family: Family) => part.families.filter((f) => f.family === family);
const nOf = (c: RuleClaimResult) => c.trained?.n ?? c.average?.n ?? 0;

/** The README's block: every primary claim with both readings and its headline, then each secondary family's tally. */
export function confirmatoryGlance(parts: ConfirmatoryPart[]): string {
  const rows = parts.flatMap((p) =>
    familyOf(p, 'primary').flatMap((f) =>
      f.claims.map((c) => ({
        'Data set, model': p.title,
        Claim: c.statement,
        Headline: `**${runningCell(p) ?? c.headline}**${notRunReason(p) === undefined || judged(p) ? '' : ` ([why](REPORT.md#${anchorOf(p.title)}))`}`,
        'Trained parameters': readingCell(c.trained),
        'Parameter average': readingCell(c.average),
        n: nOf(c) === 0 ? '—' : String(nOf(c)),
      })),
    ),
  );
  const secondary = parts.map((p) => {
    const note = partialNote(p);
    const claims = familyOf(p, 'secondary').flatMap((f) => f.claims);
    const tally = runningCell(p) ?? tallyOf(familyOf(p, 'secondary'));
    return `${p.title}: ${claims.length} secondary claim${claims.length === 1 ? '' : 's'}, ${tally}${note === null ? '' : ` (${note})`}.`;
  });
  const partial = parts.filter((p) => partialNote(p) !== null);
  return [
    `Rule v2 (\`src/protocol/rule.ts\`, committed at ${RULE_V2_COMMIT.hash} on ${when(RULE_V2_COMMIT.date)}, before every confirmatory job: [REPORT.md](REPORT.md#21-the-confirmatory-round-rule-v2) shows the dates) on fresh seeds. b − a in test accuracy, in points, paired by seed, with its 95% interval. "b beats a": one-sided paired t, reproduced at Holm p < 0.025 in its family; "b matches a": TOST at δ = 5% of a's test error, matched at Holm p < 0.05, differs when the 95% interval lies wholly outside ±δ. The headline is the verdict where the trained parameters and their average agree, else "depends on the reading". BN is standard BN (moving variance).`,
    '',
    markdownTable(rows),
    '',
    ...secondary.map((s) => `- ${s}`),
    ...(partial.length > 0
      ? ['', `Partial summaries count a missing claim at p = 1 in Holm's correction; their verdicts may still move.`]
      : []),
    '',
  ].join('\n');
}

/** A family's table for the report: two rows a claim (trained, average), each with its reading, n, δ, p and Holm p. */
function familyTable(f: FamilyResult): string {
  const rows = f.claims.flatMap((c) =>
    (['trained', 'average'] as const).map((reading, i) => {
      const r = c[reading];
      const p = r === null ? null : decidingP(r);
      return {
        Claim: i === 0 ? c.statement : '',
        Paper: i === 0 ? c.paper : '',
        Headline: i === 0 ? `**${c.headline}**` : '',
        Reading: reading,
        n: r === null ? '—' : String(r.n),
        'b − a [95% CI]': r === null ? 'not run' : difference(r),
        δ: r === null || r.margin === null ? '' : `±${(100 * r.margin).toFixed(2)}`,
        p: p === null ? '' : formatP(p.raw),
        'Holm p': p === null ? '' : formatP(p.holm),
        Verdict: r === null ? 'not run' : r.verdict,
      };
    }),
  );
  return markdownTable(rows);
}

/** Seeds as a range: 6–15. */
const range = (seeds: readonly number[]) => `${Math.min(...seeds)}–${Math.max(...seeds)}`;

/** The report's section 2.1; figures are linked relative to `base` (REPORT.md's directory). */
export function confirmatorySection(
  parts: ConfirmatoryPart[],
  figuresDir: string,
  base: string,
  resultsDir?: string,
  /** Only the primary families' tables, the secondary ones' tallies pointing to `elsewhere` (the main text). */
  primaryOnly?: { elsewhere: string },
): string[] {
  const datasets = [...new Set(parts.map((p) => p.dataset))];
  const provenance = datasets.map((d) => {
    const s = parts.find((p) => p.dataset === d)!.summary;
    const pv = s?.provenance;
    return {
      'Data set': datasetTitle(d),
      Jobs: s?.jobs === undefined ? '—' : `${s.jobs.held} of ${s.jobs.planned}`,
      'First job started': when(pv?.firstStartedAt ?? null),
      'Last job started': when(pv?.lastStartedAt ?? null),
      'Code commits of the logs': pv === undefined ? '—' : pv.commits.map((c) => c.slice(0, 7)).join(', ') || '—',
    };
  });
  const early = datasets.filter((d) => {
    const first = parts.find((p) => p.dataset === d)!.summary?.provenance?.firstStartedAt;
    return first !== null && first !== undefined && Date.parse(first) <= Date.parse(RULE_V2_COMMIT.date);
  });
  const lines = [
    '### 2.1 The confirmatory round (rule v2)',
    '',
    `Rule v2 (section 1.4) was committed at ${RULE_V2_COMMIT.hash}, ${when(RULE_V2_COMMIT.date)}, as code (\`src/protocol/rule.ts\`, \`rule-families.ts\`, \`rule-cnn.ts\`): its families, tests, margins and seeds. Its confirmatory jobs ran on seeds no earlier job had used (${range(CONFIRMATORY_SEEDS.mlp)} for the MLP and the 1,000-class task, ${range(CONFIRMATORY_SEEDS.conv)} for the conv round), from these commits, starting at these times (each log's header records both):`,
    '',
    markdownTable(provenance),
    '',
    early.length === 0
      ? `Every confirmatory job started after the rule's commit.`
      : `**These data sets have a job that started before the rule's commit: ${early.map(datasetTitle).join(', ')}.**`,
    '',
  ];
  lines.push(...verdictFigureLines('primary', figuresDir, base));
  const only =
    primaryOnly === undefined ? undefined : { family: 'primary' as Family, elsewhere: primaryOnly.elsewhere };
  for (const p of parts) lines.push(...partLines(p, { figuresDir, base }, '####', only));
  if (primaryOnly === undefined) lines.push(...probeLines(resultsDir));
  return lines;
}

/** Every data set × model's secondary family, figures and untrained jobs, under `###` headings, then the LN probe. */
export function secondarySection(
  parts: ConfirmatoryPart[],
  figuresDir: string,
  base: string,
  resultsDir?: string,
): string[] {
  const lines = [
    ...verdictFigureLines('secondary', figuresDir, base),
    ...parts
      .filter((p) => judged(p))
      .flatMap((p) => partLines(p, { figuresDir, base }, '###', { family: 'secondary' })),
  ];
  return [...lines, ...probeLines(resultsDir)];
}

/** Rule v2's verdict figure of `family` (drawn by `brn figures --confirmatory`), linked relative to `base`, where drawn. */
function verdictFigureLines(family: Family, figuresDir: string, base: string): string[] {
  const png = join(figuresDir, 'confirmatory', `verdicts-${family}.png`);
  if (!existsSync(png)) return [];
  return [`![Rule v2's ${family} claims, every data set and model, in both readings](${relative(base, png)})`, ''];
}

/** The LN probe's committed table with its lead-in, or nothing. */
function probeLines(resultsDir?: string): string[] {
  const lines: string[] = [];
  const probePath = resultsDir === undefined ? null : join(resultsDir, 'triples-ln-probe.md');
  const probe = probePath !== null && existsSync(probePath) ? readFileSync(probePath, 'utf8') : null;
  if (probe !== null)
    lines.push(
      "**Is the kit's layer the cause?** `scripts/triples-ln-probe.js` trains the 1,000-class task's MLP with tfjs's own `layerNormalization` and with the kit's `GroupNormalization` at one group, at the protocol's learning rate and at a tenth of it (exploratory, one seed, tfjs-layers' training loop):",
      '',
      probe.trimEnd(),
      '',
    );
  return lines;
}

/**
 * One data set × model of the round: its families' tables and the jobs that did not train, under a
 * heading of `level`; with `figures`, its committed figures linked relative to `figures.base`.
 */
export function partLines(
  p: ConfirmatoryPart,
  figures: { figuresDir: string; base: string } | null,
  level = '####',
  /** Only this family's table (the primary: the other's tally, pointing to `elsewhere`; the secondary: its table, figures and untrained jobs); both when absent. */
  only?: { family: Family; elsewhere?: string },
): string[] {
  const lines: string[] = [];
  const note = partialNote(p);
  lines.push(`${level} ${p.title}${note === null ? '' : ` (${note})`}`, '');
  if (p.summary === null || !judged(p)) {
    const running = runningOf(p);
    lines.push(
      running === undefined
        ? (notRunReason(p) ?? 'Not run yet: no confirmatory job of this model is committed.')
        : `Running: ${running.finished} of ${running.planned} jobs of ${running.title} are finished and committed. Its families are judged when all have, so that no verdict rests on part of the seeds.`,
      '',
    );
    return lines;
  }
  for (const f of p.families) {
    const heading = `**${f.family === 'primary' ? 'Primary' : 'Secondary'} family** (m = ${f.m} for Holm): ${tallyOf([f])}`;
    if (only !== undefined && f.family !== only.family) {
      if (only.family === 'primary')
        lines.push(`${heading}${only.elsewhere === undefined ? '' : ` (${only.elsewhere})`}.`, '');
      continue;
    }
    lines.push(`${heading}.`, '', familyTable(f), '');
  }
  lines.push(...convergenceLines(p, only?.family));
  if (only?.family === 'primary') return lines;
  if (figures !== null)
    for (const [dir, name, caption] of partFigures(p)) {
      const png = join(figures.figuresDir, dir, `${name}.png`);
      if (existsSync(png)) lines.push(`![${caption}](${relative(figures.base, png)})`, '');
    }
  const failed = untrained(p.summary, classesOf(p.dataset));
  if (failed.length > 0) {
    lines.push(
      `**Jobs that did not train.** ${failed
        .map(
          (u) =>
            `${VARIANT_INFO[u.variant as SummaryVariant]?.label ?? u.variant} on \`${u.experiment}\`: ${u.k} of ${u.n} seeds`,
        )
        .join(
          '; ',
        )} ended at no more than 1.5× chance (chance: ${(100 / classesOf(p.dataset)).toFixed(2)}%) with the trained parameters; these variants use no minibatch statistics, so such a job did not learn. Every variant trains at the protocol's learning rate (RMSProp 0.001, momentum 0.9, the paper's), and the verdicts above count these jobs as they are: a comparison with such a variant says that it failed to train at that rate, not how well it normalizes when it trains.`,
      '',
    );
  }
  return lines;
}
