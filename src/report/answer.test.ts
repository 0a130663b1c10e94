/** The answer table, its picks and the Conclusions, from rule v2's verdicts (synthetic and committed). */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { KIT_ROOT } from '../paths';
import type { ReadingResult, RuleClaimResult, V2Verdict } from '../results/rule-verdicts';
import { answerTable, cell, conclusions, pickLines, pickOf, SETTINGS } from './answer';
import { confirmatoryParts, type ConfirmatoryPart } from './confirmatory';

const RESULTS = join(KIT_ROOT, 'data', 'results');

function reading(verdict: V2Verdict, mean: number): ReadingResult {
  return {
    n: 10,
    seeds: [6, 7],
    values: [mean, mean],
    mean,
    aMean: 0.9,
    ci95: [mean - 0.001, mean + 0.001],
    ci90: null,
    margin: null,
    p: 0.001,
    pHolm: 0.002,
    pAgainst: null,
    pAgainstHolm: null,
    verdict,
  };
}

/** A claim with `trained` and `average` readings; the headline is theirs where they agree. */
function claim(
  kind: 'beats' | 'matches',
  trained: V2Verdict,
  average: V2Verdict = trained,
  mean = 0.01,
): RuleClaimResult {
  return {
    id: 'x',
    statement: 'x',
    paper: 'x',
    kind,
    family: 'primary',
    b: { experiment: 'e', variant: 'brn' },
    a: { experiment: 'e', variant: 'bn-standard' },
    trained: reading(trained, mean),
    average: reading(average, mean),
    headline: trained === average ? trained : 'depends on the reading',
  };
}

describe('the answer', () => {
  it('picks by the fixed reading: GN where GN beats BRN, BRN where only BRN is ahead, BN or BRN where they match', () => {
    const beats = (v: V2Verdict) => claim('beats', v);
    assert.equal(pickOf(beats('reproduced'), beats('reproduced')), 'GN');
    assert.equal(pickOf(beats('reproduced'), beats('against')), 'BRN');
    assert.equal(pickOf(beats('reproduced'), beats('not significant')), 'BRN or GN (neither shown ahead)');
    assert.equal(pickOf(beats('reproduced'), null), 'BRN');
    assert.equal(pickOf(beats('against'), beats('not significant')), 'BN');
    assert.equal(pickOf(claim('beats', 'reproduced', 'against'), beats('against')), 'no verdict decides');
    assert.equal(pickOf(beats('not run'), beats('reproduced')), '—');
    assert.equal(pickOf(claim('matches', 'matched'), null), 'BN or BRN');
    assert.equal(pickOf(claim('matches', 'differs', 'differs', -0.01), null), 'BN');
    assert.equal(pickOf(claim('matches', 'inconclusive'), null), 'BN (BRN not shown to match)');
    assert.equal(pickOf(claim('matches', 'differs', 'differs', +0.01), null), 'BRN');
    // GN's verdict on one reading only is no tie; GN ahead of BRN while BN beat BRN leaves GN and BN uncompared.
    assert.equal(
      pickOf(beats('reproduced'), claim('beats', 'reproduced', 'not significant')),
      'BRN or GN (depends on the reading)',
    );
    assert.equal(pickOf(beats('against'), beats('reproduced')), 'BN or GN (not compared with each other)');
    assert.equal(pickOf(beats('not significant'), beats('reproduced')), 'no verdict decides');
    // The CNN at microbatches of 2 compares GN with BN: GN and BRN are never compared there.
    const gnBn = (v: V2Verdict) => ({ ...claim('beats', v), id: 'cnn-mb2-gn-bn' });
    assert.equal(pickOf(beats('reproduced'), gnBn('reproduced')), 'BRN or GN (not compared with each other)');
    assert.equal(pickOf(beats('reproduced'), gnBn('against')), 'BRN');
    assert.equal(pickOf(beats('not significant'), gnBn('reproduced')), 'GN');
    assert.equal(pickOf(beats('not significant'), gnBn('against')), 'BN');
  });

  it('a cell gives the headline with the average, or both readings where they disagree', () => {
    assert.equal(cell(claim('beats', 'reproduced', 'reproduced', 0.0229)), '**reproduced** +2.29 [+2.19, +2.39]');
    assert.equal(
      cell(claim('beats', 'reproduced', 'against', -0.003)),
      '**depends on the reading**: reproduced −0.30 trained, against −0.30 averaged',
    );
    assert.equal(cell(null), '—');
    assert.equal(cell(claim('beats', 'not run'), 'running: 3 of 65 jobs'), 'running: 3 of 65 jobs');
  });

  it('answers every setting from the committed confirmatory verdicts, a round still running said under the table', () => {
    const parts = confirmatoryParts(RESULTS);
    const table = answerTable(parts);
    const header = table.split('\n')[0];
    assert.match(
      header,
      /^\| Your minibatches \| Comparison \| MNIST, MLP \| Fashion-MNIST, MLP \| 1,000 classes, MLP \|/,
    );
    const cnn = parts.find((p) => p.dataset === 'fashion-mnist' && p.architecture === 'conv');
    const running = cnn?.summary?.inProgress?.find((r) => r.architecture === 'conv');
    if (running !== undefined) {
      assert.doesNotMatch(header, /CNN/);
      assert.match(
        table,
        new RegExp(`\\nFashion-MNIST, CNN: running: ${running.finished} of ${running.planned} jobs;`),
      );
    } else assert.match(header, /Fashion-MNIST, CNN/);
    // A row per setting shown, each with its pick; every judged cell names a verdict.
    for (const s of SETTINGS) assert.ok(table.includes(`| ${s.setting} | BRN vs BN |`), s.setting);
    assert.equal((table.match(/\| → pick \|/g) ?? []).length, SETTINGS.length);
    assert.match(table, /\| i\.i\.d\. minibatches of 32 \| BRN vs BN \| \*\*(matched|differs|inconclusive)\*\* /);
    // GN's failure to train on the 1,000-class task is said where it decides a cell.
    assert.match(table, /GN at chance on \d+ of \d+ seeds: it did not train/);
  });

  it('concludes a sentence per judged setting and one per round still running; picks each setting once', () => {
    const parts = confirmatoryParts(RESULTS);
    const lines = conclusions(parts);
    for (const s of SETTINGS) {
      const start = `- **${s.setting.replace(/^./, (c) => c.toUpperCase())}.** `;
      assert.equal(lines.filter((l) => l.startsWith(start)).length, 1, s.setting);
    }
    assert.ok(lines.every((l) => !l.includes('undefined') && !l.includes('NaN') && !l.includes(') (')));
    // A GN that did not train is said inside the same parenthesis as its difference.
    assert.match(
      lines.join('\n'),
      /BRN beat GN on 1,000 classes, MLP \(GN − BRN −\d+\.\d\d points; GN at chance on \d+ of \d+ seeds: it did not train\)/,
    );
    assert.match(lines.join('\n'), /BRN beat BN on MNIST, MLP \(\+\d+\.\d\d points\) and Fashion-MNIST, MLP/);
    const picks = pickLines(parts);
    assert.equal(picks.length, SETTINGS.length);
    // The MLPs share a pick; the CNN's, once its round is in, follows after a semicolon.
    assert.match(picks.join('\n'), /Microbatches of 2: \*\*\w+\*\* on MNIST, MLP and Fashion-MNIST, MLP[.;]/);
  });

  it('the CNN at microbatches of 2 compares GN with BN, and its sentence and pick say so', () => {
    const withId = (c: RuleClaimResult, id: string) => ({ ...c, id });
    const part: ConfirmatoryPart = {
      title: 'Fashion-MNIST, CNN',
      dataset: 'fashion-mnist',
      architecture: 'conv',
      summary: null,
      families: [
        {
          architecture: 'conv',
          family: 'primary',
          m: 1,
          claims: [withId(claim('beats', 'reproduced', 'reproduced', 0.04), 'cnn-mb2')],
        },
        {
          architecture: 'conv',
          family: 'secondary',
          m: 1,
          claims: [withId(claim('beats', 'against', 'against', -0.02), 'cnn-mb2-gn-bn')],
        },
      ],
    };
    const line = conclusions([part]).find((l) => l.startsWith('- **Microbatches of 2.**'));
    assert.equal(
      line,
      '- **Microbatches of 2.** BRN beat BN on Fashion-MNIST, CNN (+4.00 points); BN beat GN on Fashion-MNIST, CNN (GN − BN −2.00 points).',
    );
    const table = answerTable([part]);
    assert.ok(table.includes('| microbatches of 2 | BRN vs BN | — | — | — | **reproduced** +4.00 [+3.90, +4.10] |\n'));
    assert.ok(table.includes('|  | GN vs BRN | — | — | — | **against** −2.00 [−2.10, −1.90] (GN vs BN) |\n'));
    assert.ok(table.includes('|  | → pick | — | — | — | **BRN** |\n| label-paired'));
  });
});
