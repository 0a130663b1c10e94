/**
 * Markdown from a summary: any rows of objects; the results table (every
 * variant of every experiment, the paper beside ours); the claims with their
 * intervals and verdicts; the controls; and the findings as sentences. The
 * README's result blocks and the notebooks are made of these, never typed.
 */
import { datasetTitle } from '../data/datasets';
import { COMPARISONS, MATCH_MARGIN } from '../protocol/claims';
import { SUMMARY_VARIANTS, VARIANT_INFO, type SummaryVariant } from '../protocol/variants';
import { variantEntries, type ClaimResult, type Summary, type VariantSummary } from '../results/schema';
import { formatPair, formatStat as pct, type PairStat } from '../results/stats';
import { partialNote, type JobsAccount } from '../results/completeness';

/** Rows of objects as a markdown table, one column per key of the first row (for `tslab.display.markdown`). */
export function markdownTable<T extends object>(
  rows: T[],
  format: (key: string, value: unknown) => string = (_k, v) => String(v),
): string {
  if (rows.length === 0) return '';
  const keys = Object.keys(rows[0]) as (keyof T & string)[];
  return [
    `| ${keys.join(' | ')} |`,
    `|${keys.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${keys.map((k) => format(k, r[k])).join(' | ')} |`),
  ].join('\n');
}

/** The rows whose test examples are not "the whole test set in inference mode" say which they use. */
function variantCell(v: SummaryVariant, s: VariantSummary, batch: number): string {
  const n = s.testExamples;
  if (v === 'bn-batchstats')
    return `BN, statistics of label-grouped test batches (uses the test labels${n === undefined ? '' : `: ${(n / batch).toLocaleString('en-US')} batches of ${batch}, ${n.toLocaleString('en-US')} draws`})`;
  if (v === 'bn-batchstats-iid')
    return `BN, statistics of i.i.d. test batches (label-blind: every test image once${n === undefined ? '' : `, ${n.toLocaleString('en-US')} images`}, in batches of ${batch})`;
  return s.trainedIn === undefined ? VARIANT_INFO[v].label : `${VARIANT_INFO[v].label} (the ${s.trainedIn} jobs)`;
}

function paperCell(summary: Summary, experiment: string, v: SummaryVariant): string {
  const paper = summary.configs[experiment]?.paper;
  if (paper === null || paper === undefined) return '—';
  return v === 'bn' ? paper.bn : v === 'brn' ? paper.brn : '—';
}

const stepsOf = (summary: Summary) =>
  [...new Set(Object.values(summary.experiments).flatMap((e) => variantEntries(e).map(([, v]) => v.step)))]
    .map((s) => s.toLocaleString('en-US'))
    .join('/');

const emaOf = (summary: Summary) => {
  const decays = [...new Set(Object.values(summary.configs).map((c) => c.emaDecay))].filter(
    (d): d is number => d !== null,
  );
  return decays.length === 0 ? 'not recorded' : `δ = ${decays.join('/')}`;
};

/**
 * Test accuracy of every variant of each experiment (all, or those in
 * `names`): mean ± std over seeds with the trained parameters and with their
 * moving average, the paper's number where it has one, and BRN − the row,
 * paired by seed, with its 95% interval.
 */
export function resultsTable(summary: Summary, names?: string[]): string {
  const rows = Object.entries(summary.experiments)
    .filter(([name]) => names === undefined || names.includes(name))
    .flatMap(([name, results]) => {
      const config = summary.configs[name];
      const present = SUMMARY_VARIANTS.flatMap((v) => {
        const s = results.variants[v];
        return s === undefined ? [] : [[v, s] as const];
      });
      return present.map(([v, s], i) => ({
        Experiment: i === 0 ? `${name}: ${config.title}${config.paper ? ` (${config.paper.figure})` : ''}` : '',
        Variant: variantCell(v, s, config.batchSize),
        Paper: paperCell(summary, name, v),
        'Test accuracy': pct(s.testAccuracy),
        'with parameter EMA': pct(s.testAccuracyEma),
        'BRN − this, points [95% CI]': v === 'brn' ? '—' : formatPair(results.pairs[`brn-${v}`]),
        'with EMA': v === 'brn' ? '—' : formatPair(results.pairsEma[`brn-${v}`]),
      }));
    });
  const lines = [
    `Test accuracy on ${datasetTitle(summary.dataset)}'s test images in inference mode unless the row says otherwise, at step ${stepsOf(summary)}: mean ± sample std over seeds, with the trained parameters and with their exponential moving average (${emaOf(summary)}); BRN − the row is paired by seed, with a 95% Student t interval, in percentage points (${summary.profile} profile, backend ${summary.backend}). The paper's numbers are Inception-v3 top-1 validation accuracy on ImageNet (read off its figures): compare the orderings, not the values.`,
    '',
    markdownTable(rows),
  ];
  const notes = Object.entries(summary.configs)
    .filter(([name]) => names === undefined || names.includes(name))
    .map(([, c]) => c)
    .flatMap((c) => (c.paper?.notes ? [`- ${c.paper.figure}: ${c.paper.notes}.`] : []));
  if (notes.length > 0) lines.push('', 'Paper, other numbers:', ...notes);
  return lines.join('\n') + '\n';
}

const bold = (v: string) => `**${v}**`;

/** Claims that involve one of `experiments` (all when omitted). */
export function claimsOf(summary: Summary, experiments?: string[]): ClaimResult[] {
  return summary.claims.filter(
    (c) => experiments === undefined || experiments.includes(c.a.experiment) || experiments.includes(c.b.experiment),
  );
}

/** The claims (those involving `experiments`, or all) with both intervals and verdicts, the parameter average (the headline) first. */
export function claimsTable(summary: Summary, experiments?: string[]): string {
  const claims = claimsOf(summary, experiments);
  if (claims.length === 0) return '';
  return (
    markdownTable(
      claims.map((c) => ({
        Claim: c.statement,
        Paper: c.paper,
        'b − a, parameter EMA, points [95% CI]': formatPair(c.ema),
        'Verdict (EMA)': bold(c.verdictEma),
        'b − a, trained parameters [95% CI]': formatPair(c.test),
        Verdict: c.verdict,
      })),
    ) + '\n'
  );
}

/** Controls without a paper claim: BRN against no normalization, and the comparisons across experiments. */
export function controlsTable(summary: Summary): string {
  const rows: { Control: string; trained: PairStat | null | undefined; ema: PairStat | null | undefined }[] = [];
  for (const e of ['baseline', 'non-iid']) {
    const r = summary.experiments[e];
    if (r?.pairs['brn-none'] !== undefined)
      rows.push({ Control: `${e}: BRN − no normalization`, trained: r.pairs['brn-none'], ema: r.pairsEma['brn-none'] });
  }
  for (const e of ['baseline', 'microbatch', 'non-iid']) {
    const r = summary.experiments[e];
    if (r?.pairs['bn-standard-bn'] !== undefined)
      rows.push({
        Control: `${e}: the BN model evaluated with the moving variance − with the moving σ`,
        trained: r.pairs['bn-standard-bn'],
        ema: r.pairsEma['bn-standard-bn'],
      });
  }
  for (const c of COMPARISONS) {
    const found = summary.comparisons[c.name];
    if (found !== undefined) rows.push({ Control: c.description, trained: found.test, ema: found.ema });
  }
  if (rows.length === 0) return '';
  return (
    markdownTable(
      rows.map((r) => ({
        Control: r.Control,
        'b − a, trained parameters, points [95% CI]': formatPair(r.trained),
        'with parameter EMA': formatPair(r.ema),
      })),
    ) + '\n'
  );
}

const AGREES = new Set(['reproduced', 'matched']);

/** A verdict with its direction where it goes against a "matches" claim: "differs (BRN below BN)". */
function verdictText(c: ClaimResult, verdict: string, pair: PairStat | null): string {
  if (verdict !== 'differs' || pair === null) return verdict;
  const name = (side: ClaimResult['a']) =>
    `${VARIANT_INFO[side.variant].label}${c.a.experiment === c.b.experiment ? '' : ` on ${side.experiment}`}`;
  return `differs (${name(c.b)} ${pair.mean < 0 ? 'below' : 'above'} ${name(c.a)})`;
}

/** One sentence per claim, from its verdicts, and a count. */
export function findings(claims: ClaimResult[]): string {
  if (claims.length === 0) return '';
  const line = (c: ClaimResult) => {
    const [raw, ema] = [verdictText(c, c.verdict, c.test), verdictText(c, c.verdictEma, c.ema)];
    const both =
      raw === ema
        ? `${ema} with both readings`
        : `${ema} with the parameter average, ${raw} with the trained parameters`;
    return `- **${c.statement}**: ${both}. b − a in points with the average: ${formatPair(c.ema ?? c.test)}; paper: ${c.paper}.`;
  };
  const agree = claims.filter((c) => AGREES.has(c.verdictEma));
  const against = claims.filter((c) => c.verdictEma === 'reversed' || c.verdictEma === 'differs');
  const open = claims.length - agree.length - against.length;
  return (
    [
      `By the rule (parameter average; "matches" within ±${100 * MATCH_MARGIN} points): ${agree.length} of ${claims.length} claims reproduced or matched, ${against.length} against the paper (reversed or differs), ${open} not significant or inconclusive.`,
      '',
      ...claims.map(line),
    ].join('\n') + '\n'
  );
}

/** Everything the README shows for one summary: with `claims`, the findings, the claims and the controls before the results table. */
export function resultsBlock(summary: Summary, options: { claims: boolean }): string {
  const parts: string[] = [];
  const note = partialNote(summary.jobs);
  if (note !== null)
    parts.push(
      `**${note}**: this summary lacks ${summary.jobs!.lacking.length} planned jobs (${describeStates(summary.jobs!)}); its numbers are of the jobs it holds.\n`,
    );
  if (options.claims && summary.claims.length > 0) {
    parts.push(findings(summary.claims), claimsTable(summary));
    const controls = controlsTable(summary);
    if (controls !== '') parts.push('Controls (no paper claim):\n\n' + controls);
  }
  parts.push(resultsTable(summary));
  return parts.join('\n');
}

const NORMALIZERS: SummaryVariant[] = ['bn', 'brn', 'gn', 'ln', 'none'];

/**
 * Which normalizer to pick, setting by setting: each normalizer's test
 * accuracy (mean ± std over seeds, with the parameter average, the headline,
 * and with the trained parameters) in each of `experiments`, the highest
 * mean in bold. GN, LN and no normalization in a microbatch experiment are
 * their whole-minibatch jobs (they ignore the microbatch size). Means only:
 * whether a difference is more than noise is the claims' business.
 */
export function normalizerTable(
  summary: Summary,
  experiments: string[],
  fields: readonly ('testAccuracyEma' | 'testAccuracy')[] = ['testAccuracyEma', 'testAccuracy'],
): string {
  const present = NORMALIZERS.filter((v) => experiments.some((e) => summary.experiments[e]?.variants[v] !== undefined));
  const rows = experiments
    .filter((e) => summary.experiments[e] !== undefined)
    .flatMap((e) =>
      fields.map((field, i) => {
        const variants = summary.experiments[e].variants;
        const means = present.map((v) => variants[v]?.[field]?.mean ?? -1);
        const best = Math.max(...means);
        return {
          Setting: i === 0 ? `${summary.configs[e]?.title ?? e} (\`${e}\`)` : '',
          ...(fields.length > 1
            ? { Reading: field === 'testAccuracyEma' ? 'parameter average' : 'trained parameters' }
            : {}),
          ...Object.fromEntries(
            present.map((v, j) => {
              const cell = pct(variants[v]?.[field]);
              return [VARIANT_INFO[v].label, means[j] === best && cell !== '—' ? bold(cell) : cell];
            }),
          ),
        };
      }),
    );
  return rows.length === 0 ? '' : markdownTable(rows) + '\n';
}

/** "3 missing, 1 running" */
function describeStates(account: JobsAccount): string {
  const counts = new Map<string, number>();
  for (const l of account.lacking) counts.set(l.state, (counts.get(l.state) ?? 0) + 1);
  return [...counts].map(([state, n]) => `${n} ${state}`).join(', ');
}

/** A heading's anchor as GitHub makes it: lower case, punctuation dropped, spaces to hyphens. */
export const anchorOf = (heading: string) =>
  heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N} -]/gu, '')
    .replace(/ /g, '-');
