/** Hand-judged rule v2 results for the tests of the confirmatory round's tables and figures. */
import { familiesOf } from '../protocol/rule';
import type { FamilyResult, ReadingResult } from '../results/rule-verdicts';
import type { Summary } from '../results/schema';
import type { ConfirmatoryPart } from './confirmatory';

/** One reading, "beats" by default: b − a = `mean` (a fraction), its interval [mean − 0.001, mean + 0.002]. */
export const reading = (mean: number, over: Partial<ReadingResult> = {}): ReadingResult => ({
  n: 10,
  seeds: [6, 7],
  values: [mean, mean],
  mean,
  aMean: 0.9,
  ci95: [mean - 0.001, mean + 0.002],
  ci90: null,
  margin: null,
  p: 0.0123,
  pHolm: 0.0246,
  pAgainst: 0.9877,
  pAgainstHolm: 1,
  verdict: 'reproduced',
  ...over,
});

/** MNIST's MLP families as rule v2 declares them, judged by hand: the first claim split between the readings. */
export function handJudged(): FamilyResult[] {
  return familiesOf('mnist')
    .filter((f) => f.architecture === 'mlp')
    .map((f) => ({
      architecture: f.architecture,
      family: f.family,
      m: f.claims.length,
      claims: f.claims.map((c, i) => ({
        ...c,
        trained: reading(0.0111 * (i + 1)),
        average:
          i === 0
            ? reading(-0.0042, { verdict: 'against', pAgainst: 0.0004, pAgainstHolm: 0.0012 })
            : reading(0.0222 * (i + 1)),
        headline: i === 0 ? 'depends on the reading' : 'reproduced',
      })),
    }));
}

/** MNIST's MLP part with these families and (unless null) a summary of four jobs, all held. */
export const part = (families: FamilyResult[], summary: Partial<Summary> | null = {}): ConfirmatoryPart => ({
  title: 'MNIST, MLP',
  dataset: 'mnist',
  architecture: 'mlp',
  summary:
    summary === null ? null : ({ experiments: {}, jobs: { planned: 4, held: 4, lacking: [] }, ...summary } as Summary),
  families,
});
