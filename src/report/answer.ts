/**
 * The answer first: the questions a reader brings (does BRN match BN on
 * ordinary minibatches, beat it on microbatches and on label-paired ones, and
 * which normalizer to pick), each answered from rule v2's confirmatory
 * verdicts in one table (REPORT.md's opening, the README's first screen), and
 * the report's Conclusions, one sentence a question, from the same verdicts.
 *
 * Which claim answers which question is fixed here (by claim id, the ids of
 * `protocol/rule-families.ts` and `rule-cnn.ts`); the verdicts are rule v2's
 * headlines, never re-judged. The "pick" of a setting is read off its two
 * verdicts by `pickOf`, a fixed reading stated beside the table.
 */
import type { RuleClaimResult } from '../results/rule-verdicts';
import type { ConfirmatoryPart } from './confirmatory';
import { runningCell } from './confirmatory';
import { classesOf, untrained } from './untrained';
import { markdownTable } from './table';

/** The data set × model columns, in the order shown. */
const COLUMNS: { dataset: string; architecture: 'mlp' | 'conv'; title: string }[] = [
  { dataset: 'mnist', architecture: 'mlp', title: 'MNIST, MLP' },
  { dataset: 'fashion-mnist', architecture: 'mlp', title: 'Fashion-MNIST, MLP' },
  { dataset: 'mnist-triples', architecture: 'mlp', title: '1,000 classes, MLP' },
  { dataset: 'fashion-mnist', architecture: 'conv', title: 'Fashion-MNIST, CNN' },
];

export interface Setting {
  /** What the reader's minibatches are like. */
  setting: string;
  /** The claim of each column (in `COLUMNS` order) that "BRN vs BN" reads, or null. */
  brnBn: (string | null)[];
  /** The claim of each column that "GN vs BRN" reads (the CNN at 2: GN vs BN), or null. */
  gnBrn: (string | null)[];
}

/** The settings, with the claims that answer them in each column. */
export const SETTINGS: Setting[] = [
  {
    setting: 'i.i.d. minibatches of 32',
    brnBn: ['iid', 'iid', 'triples-iid', 'cnn-iid'],
    gnBrn: [null, null, null, null],
  },
  {
    setting: 'microbatches of 4',
    brnBn: ['microbatch', 'microbatch', null, 'cnn-microbatch'],
    gnBrn: ['microbatch-gn-brn', 'microbatch-gn-brn', null, 'cnn-microbatch-gn-brn'],
  },
  {
    setting: 'microbatches of 2',
    brnBn: ['mb2', 'mb2', null, 'cnn-mb2'],
    gnBrn: ['mb2-gn-brn', 'mb2-gn-brn', null, 'cnn-mb2-gn-bn'],
  },
  {
    setting: 'label-paired, 16 labels × 2 of 1,000 classes (the paper’s setting)',
    brnBn: [null, null, 'triples-paired', null],
    gnBrn: [null, null, 'triples-paired-gn-brn', null],
  },
  {
    setting: '2 labels × 16 of 10 classes (a harsher stress test)',
    brnBn: ['stress-2x16', 'stress-2x16', null, 'cnn-stress-2x16'],
    gnBrn: ['stress-2x16-gn-brn', 'stress-2x16-gn-brn', null, 'cnn-stress-2x16-gn-brn'],
  },
];

/** "a", "a and b", "a, b and c". */
const listed = (xs: string[]) =>
  xs.length <= 1 ? xs.join('') : `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`;

const signed = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(100 * x).toFixed(2)}`;

/** A claim's result in a column's part, or null where the part is not committed or the claim not declared. */
function claimIn(parts: ConfirmatoryPart[], column: number, id: string | null): RuleClaimResult | null {
  if (id === null) return null;
  return (
    partOf(parts, column)
      ?.families.flatMap((f) => f.claims)
      .find((claim) => claim.id === id) ?? null
  );
}

function partOf(parts: ConfirmatoryPart[], column: number): ConfirmatoryPart | undefined {
  return parts.find((p) => p.dataset === COLUMNS[column].dataset && p.architecture === COLUMNS[column].architecture);
}

/** " (GN at chance on k of n seeds)" where a claim's batch-free side did not train (`untrained`), else "". */
function chanceNote(part: ConfirmatoryPart | undefined, claim: RuleClaimResult | null): string {
  if (part === undefined || part.summary === null || claim === null || claim.headline === 'not run') return '';
  const failed = untrained(part.summary, classesOf(part.dataset));
  return [claim.b, claim.a]
    .flatMap((side) => failed.filter((u) => u.experiment === side.experiment && u.variant === side.variant))
    .map(
      (u) =>
        ` (${u.variant.toUpperCase()} at chance on ${u.k} of ${u.n} seeds: ${u.k === u.n ? 'it' : 'those seeds'} did not train)`,
    )
    .join('');
}

/** One claim in a cell: its headline and b − a with the parameter average (both readings where they disagree). */
export function cell(claim: RuleClaimResult | null, running: string | null = null): string {
  if (claim === null) return '—';
  if (claim.headline === 'not run') return running ?? 'not run';
  const avg = claim.average;
  const trained = claim.trained;
  if (claim.headline === 'depends on the reading')
    return `**depends on the reading**: ${trained === null ? '—' : `${trained.verdict} ${signed(trained.mean)}`} trained, ${avg === null ? '—' : `${avg.verdict} ${signed(avg.mean)}`} averaged`;
  if (avg === null) return `**${claim.headline}**`;
  return `**${claim.headline}** ${signed(avg.mean)} [${signed(avg.ci95[0])}, ${signed(avg.ci95[1])}]`;
}

/**
 * What a setting's two verdicts say to pick (the column's BRN − BN claim and
 * its GN − BRN claim, or GN − BN where the claim's id ends in "-gn-bn"),
 * read the same way everywhere and stated in `ANSWER_KEY`. It names only
 * what the verdicts support, and says so where two normalizers were not
 * compared with each other. On i.i.d. minibatches: "BN or BRN" where they
 * matched, the better one where they differ, else "BN (BRN not shown to
 * match)". Otherwise "no verdict decides".
 */
export function pickOf(brnBn: RuleClaimResult | null, gnBrn: RuleClaimResult | null): string {
  const h = (c: RuleClaimResult | null) => c?.headline ?? null;
  if (brnBn === null || h(brnBn) === 'not run' || h(gnBrn) === 'not run') return '—';
  const brn = h(brnBn);
  if (brnBn.kind === 'matches') {
    if (brn === 'matched') return 'BN or BRN';
    const mean = brnBn.average?.mean ?? brnBn.trained?.mean ?? 0;
    if (brn === 'differs') return mean < 0 ? 'BN' : 'BRN';
    return 'BN (BRN not shown to match)';
  }
  const gn = h(gnBrn);
  if (gnBrn !== null && gnBrn.id.endsWith('-gn-bn')) {
    // GN was compared with BN, not with BRN.
    if (brn === 'reproduced') return gn === 'reproduced' ? 'BRN or GN (not compared with each other)' : 'BRN';
    if (gn === 'reproduced') return 'GN';
    if (brn === 'against' || gn === 'against') return 'BN';
    return 'no verdict decides';
  }
  if (brn === 'reproduced') {
    if (gn === 'reproduced') return 'GN';
    if (gn === null || gn === 'against') return 'BRN';
    if (gn === 'depends on the reading') return 'BRN or GN (depends on the reading)';
    return 'BRN or GN (neither shown ahead)';
  }
  if (gn === 'reproduced') return brn === 'against' ? 'BN or GN (not compared with each other)' : 'no verdict decides';
  if (brn === 'against') return 'BN';
  return 'no verdict decides';
}

/** A column whose whole round is still running (its cells would all say so), or null. */
const runningColumn = (parts: ConfirmatoryPart[], column: number) => {
  const part = partOf(parts, column);
  return part === undefined ? null : runningCell(part);
};

/**
 * The answer table: a row per setting and comparison, a column per data set × model, and a pick row per
 * setting. A column whose round is still running is left out, and a line under the table says how far it is.
 */
export function answerTable(parts: ConfirmatoryPart[]): string {
  const shown = COLUMNS.map((c, i) => ({ c, i })).filter(({ i }) => runningColumn(parts, i) === null);
  const rows: Record<string, string>[] = [];
  for (const s of SETTINGS) {
    if (shown.every(({ i }) => s.brnBn[i] === null)) continue;
    const row = (what: string, ids: (string | null)[]) => {
      const r: Record<string, string> = { 'Your minibatches': s.setting, Comparison: what };
      for (const { c, i } of shown) {
        const claim = claimIn(parts, i, ids[i]);
        const other = ids[i]?.endsWith('-gn-bn') === true ? ' (GN vs BN)' : '';
        r[c.title] = cell(claim) + (claim === null ? '' : other) + chanceNote(partOf(parts, i), claim);
      }
      return r;
    };
    rows.push(row('BRN vs BN', s.brnBn));
    if (shown.some(({ i }) => s.gnBrn[i] !== null)) rows.push({ ...row('GN vs BRN', s.gnBrn), 'Your minibatches': '' });
    const pick: Record<string, string> = { 'Your minibatches': '', Comparison: '→ pick' };
    for (const { c, i } of shown) {
      const chosen = pickOf(claimIn(parts, i, s.brnBn[i]), claimIn(parts, i, s.gnBrn[i]));
      pick[c.title] = chosen === '—' ? '—' : `**${chosen}**`;
    }
    rows.push(pick);
  }
  const running = COLUMNS.flatMap((c, i) => {
    const r = runningColumn(parts, i);
    return r === null ? [] : [`${c.title}: ${r}; its column joins the table when every job has finished.`];
  });
  return [markdownTable(rows).trimEnd(), ...running.map((line) => `\n${line}`)].join('\n') + '\n';
}

export const ANSWER_KEY =
  'Each cell is rule v2’s headline verdict on fresh seeds (n = 10 for the MLP, 5 for the CNN) and b − a in test accuracy, in points, with the parameter average, paired by seed, with its 95% interval; "depends on the reading" where the trained parameters and their average disagree. BN is standard BN (moving mean and variance). "→ pick" reads the verdicts above it by a fixed rule (`src/report/answer.ts`) and is no verdict of its own: GN where GN beats BRN and BRN beats BN; BRN where BRN beats BN and GN does not beat BRN ("or GN" where neither is shown ahead, or where the GN verdict depends on the reading); "not compared with each other" where two normalizers each beat a third; on i.i.d. minibatches "BN or BRN" where they matched, the better one where they differ by more than the margin, "BN (BRN not shown to match)" where neither is shown; "no verdict decides" where the verdicts leave it open.';

/** The Conclusions: for each setting, what the verdicts say across the data sets and models judged. */
export function conclusions(parts: ConfirmatoryPart[]): string[] {
  const lines: string[] = [];
  for (const s of SETTINGS) {
    const judged = COLUMNS.map((c, i) => ({
      c,
      claim: claimIn(parts, i, s.brnBn[i]),
      gn: claimIn(parts, i, s.gnBrn[i]),
    })).filter((x) => x.claim !== null && x.claim.headline !== 'not run');
    if (judged.length === 0) continue;
    const points = (c: RuleClaimResult | null) => {
      if (c === null || c.average === null) return '';
      if (c.headline === 'depends on the reading' && c.trained !== null)
        return ` (${c.trained.verdict} with the trained parameters, ${signed(c.trained.mean)}; ${c.average.verdict} with their average, ${signed(c.average.mean)})`;
      return ` (${signed(c.average.mean)} points)`;
    };
    const by = (verdict: string) =>
      judged.filter((x) => x.claim!.headline === verdict).map((x) => `${x.c.title}${points(x.claim)}`);
    const matchesKind = judged[0].claim!.kind === 'matches';
    const said: string[] = [];
    const groups: [string, string][] = matchesKind
      ? [
          ['matched', 'BRN matched BN'],
          ['inconclusive', 'neither a match nor a difference could be shown'],
          ['differs', 'BRN fell short of BN by more than the margin'],
          ['depends on the reading', 'the verdict depends on the reading'],
        ]
      : [
          ['reproduced', 'BRN beat BN'],
          ['not significant', 'BRN was not shown to beat BN'],
          ['against', 'BN beat BRN'],
          ['depends on the reading', 'the verdict depends on the reading'],
        ];
    for (const [verdict, text] of groups) {
      const where = by(verdict);
      if (where.length > 0) said.push(`${text} on ${listed(where)}`);
    }
    const otherOf = (x: (typeof judged)[number]) => (x.gn?.id.endsWith('-gn-bn') === true ? 'BN' : 'BRN');
    const named = (x: (typeof judged)[number]) => {
      const avg = x.gn?.average;
      const value =
        x.gn?.headline === 'depends on the reading' || avg === null || avg === undefined
          ? points(x.gn)
          : ` (GN − ${otherOf(x)} ${signed(avg.mean)} points)`;
      // One parenthesis: the difference, then a side that did not train ("GN at chance on k of n seeds: ...").
      const inner = (text: string) => text.replace(/^ \((.*)\)$/, '$1');
      const notes = [value, chanceNote(partOf(parts, COLUMNS.indexOf(x.c)), x.gn)].filter((t) => t !== '').map(inner);
      return `${x.c.title}${notes.length === 0 ? '' : ` (${notes.join('; ')})`}`;
    };
    const gnText: string[] = [];
    for (const other of ['BRN', 'BN']) {
      const of = (headlines: string[]) =>
        judged.filter((x) => x.gn !== null && otherOf(x) === other && headlines.includes(x.gn.headline)).map(named);
      const clauses: [string[], string][] = [
        [of(['reproduced']), `GN beat ${other}`],
        [of(['against']), `${other} beat GN`],
        [of(['depends on the reading']), `the verdict of GN against ${other} depends on the reading`],
        [of(['not significant', 'inconclusive', 'matched', 'differs']), `GN and ${other} were not told apart`],
      ];
      for (const [where, text] of clauses) if (where.length > 0) gnText.push(`${text} on ${listed(where)}`);
    }
    lines.push(
      `- **${s.setting.replace(/^./, (ch) => ch.toUpperCase())}.** ${[...said, ...gnText].join('; ').replace(/^./, (ch) => ch.toUpperCase())}.`,
    );
  }
  for (const [i, c] of COLUMNS.entries()) {
    const part = partOf(parts, i);
    const running = part === undefined ? null : runningCell(part);
    if (running !== null)
      lines.push(`- **${c.title}**: its round is ${running}; its verdicts join these when every job has finished.`);
  }
  return lines;
}

/** For each setting, the pick of each data set × model judged, grouped by pick. */
export function pickLines(parts: ConfirmatoryPart[]): string[] {
  const lines: string[] = [];
  for (const s of SETTINGS) {
    const byPick = new Map<string, string[]>();
    COLUMNS.forEach((c, i) => {
      const pick = pickOf(claimIn(parts, i, s.brnBn[i]), claimIn(parts, i, s.gnBrn[i]));
      if (pick !== '—') byPick.set(pick, [...(byPick.get(pick) ?? []), c.title]);
    });
    if (byPick.size === 0) continue;
    const text = [...byPick].map(([pick, where]) => `**${pick}** on ${listed(where)}`).join('; ');
    lines.push(`- ${s.setting.replace(/^./, (ch) => ch.toUpperCase())}: ${text}.`);
  }
  return lines;
}
