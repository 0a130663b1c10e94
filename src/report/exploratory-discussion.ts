/**
 * The report's discussion of the exploratory round (rule v1, seeds 1-5):
 * the verdicts against the papers, the verdicts that turn on the reading
 * (parameter average or trained parameters), and those that change between
 * three seeds and five.
 */
import type { ClaimResult, Summary } from '../results/schema';
import { formatPair } from '../results/stats';
import { MATCH_MARGIN } from '../protocol/claims';
import { VARIANT_INFO } from '../protocol/variants';
import { judgeClaimsOnSeeds } from '../results/verdicts';
import { partLabel, type ReportPart } from './parts';

const AGAINST = new Set(['reversed', 'differs']);

/** Claims whose verdict turns on the reading (parameter average or trained parameters). */
export function readingDependent(parts: ReportPart[]): string[] {
  return parts.flatMap((p) =>
    p.summary.claims
      .filter((c) => c.verdict !== c.verdictEma)
      .map(
        (c) =>
          `- ${partLabel(p)}: **${c.statement}**: ${c.verdictEma} with the average (${formatPair(c.ema)}), ${c.verdict} with the trained parameters (${formatPair(c.test)}).${sentence(averageShift(p.summary, c))}`,
      ),
  );
}

/** Claims whose headline verdict goes against the paper that made them. */
export function against(parts: ReportPart[]): string[] {
  return parts.flatMap((p) =>
    p.summary.claims
      .filter((c) => AGAINST.has(c.verdictEma))
      .map((c) => {
        const notes: string[] = [];
        if (c.kind === 'matches' && c.ema !== null && Math.abs(c.ema.mean) < MATCH_MARGIN)
          notes.push(
            `the point estimate lies inside the ±${100 * MATCH_MARGIN}-point margin; the interval excludes 0 but not the margin`,
          );
        if (c.verdict !== c.verdictEma) notes.push(`with the trained parameters: ${c.verdict}, ${formatPair(c.test)}`);
        const shift = averageShift(p.summary, c);
        if (shift !== '') notes.push(shift);
        return `- ${partLabel(p)}: **${c.statement}** (${c.paper}): ${c.verdictEma}, b − a = ${formatPair(c.ema)}${notes.length > 0 ? `. ${notes.join('; ').replace(/^./, (ch) => ch.toUpperCase())}` : ''}.`;
      }),
  );
}

/**
 * Claims whose headline verdict on the first three seeds differs from the one
 * on all five: the verdicts first published for the MLPs were three-seed ones.
 */
export function seedChanges(parts: ReportPart[]): string[] {
  const lines = parts.flatMap((p) => {
    const three = judgeClaimsOnSeeds(p.summary, [1, 2, 3]);
    return p.summary.claims.flatMap((c) => {
      const before = three.find((t) => t.id === c.id);
      if (before === undefined || (c.ema?.n ?? 0) <= 3 || before.verdictEma === c.verdictEma) return [];
      return [
        `- ${partLabel(p)}: **${c.statement}**: ${before.verdictEma} on seeds 1–3 (${formatPair(before.ema)}), ${c.verdictEma} on all ${c.ema?.n} (${formatPair(c.ema)}).`,
      ];
    });
  });
  const counted = parts.reduce((k, p) => k + p.summary.claims.filter((c) => (c.ema?.n ?? 0) > 3).length, 0);
  return [
    `Each claim with more than three seeds, read again on its first three (with the parameter average): ${lines.length} of ${counted} verdicts change.`,
    ...(lines.length === 0 ? [] : ['', ...lines]),
  ];
}

/** ` Text.` from `text`, or nothing. */
const sentence = (text: string) => (text === '' ? '' : ` ${text.replace(/^./, (ch) => ch.toUpperCase())}.`);

/** What the parameter average adds to each side of a claim, seed by seed (average − trained, points). */
function averageShift(summary: Summary, c: ClaimResult): string {
  const side = (s: ClaimResult['a']) => {
    const v = summary.experiments[s.experiment]?.variants[s.variant];
    if (v === undefined || v.testAccuracyEma === null) return null;
    const d = v.testAccuracy.values.map((t, i) => 100 * (v.testAccuracyEma!.values[i] - t));
    return `${VARIANT_INFO[s.variant].label}${c.a.experiment === c.b.experiment ? '' : ` on ${s.experiment}`} ${d.map((x) => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(2)}`).join(', ')}`;
  };
  const [a, b] = [side(c.a), side(c.b)];
  return a === null || b === null ? '' : `the average minus the trained parameters, seed by seed: ${a}; ${b} points`;
}
