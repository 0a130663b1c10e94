/** Tables, findings and the README block from the hand-made summary of `summary.fixture.ts`. */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { writeJsonAtomic } from '../io/atomic';
import { summaryToJson } from '../results/schema';
import { testDir } from '../testing';
import { FIGURES } from './figures';
import { makeFigures, updateReadme } from './make';
import { SUMMARY } from './summary.fixture';
import { claimsTable, findings, resultsTable } from './table';

describe('tables and the README block', () => {
  const pct = (v: number) => `${(100 * v).toFixed(2)}% ± 0.40 (n=3)`;
  it('the results table: every variant, the paper beside ours, the EMA column, BRN − row with its interval, which test examples', () => {
    const table = resultsTable(SUMMARY);
    const e = SUMMARY.experiments.baseline.variants;
    const pair = SUMMARY.experiments.baseline.pairs['brn-bn'];
    const pts = (v: number) => `${v >= 0 ? '+' : '−'}${Math.abs(100 * v).toFixed(2)}`;
    const row = `| baseline: Minibatch 32, i.i.d. (Figure 1) | BN | 78.3% | ${pct(e.bn!.testAccuracy.mean)} | ${pct(e.bn!.testAccuracyEma!.mean)} | ${pts(pair.mean)} [${pts(pair.ciLow!)}, ${pts(pair.ciHigh!)}] (n=3) |`;
    assert.ok(table.includes(row), `${row}\nnot in\n${table}`);
    assert.match(
      table,
      /\| {2}\| BN, statistics of label-grouped test batches \(uses the test labels: 312 batches of 32, 9,984 draws\) \|/,
    );
    assert.match(
      table,
      /\| {2}\| BN, statistics of i.i.d. test batches \(label-blind: every test image once, 10,000 images, in batches of 32\) \|/,
    );
    assert.match(table, /Figure 3: BN with minibatch statistics: 76.5%/);
    assert.doesNotMatch(resultsTable(SUMMARY, ['baseline']), /non-iid/);
  });

  it('claims and findings from the verdicts', () => {
    const table = claimsTable(SUMMARY);
    const first = SUMMARY.claims[0];
    assert.match(
      table,
      new RegExp(
        `\\| ${first.statement.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\| ${first.paper} \\| .* \\| \\*\\*${first.verdictEma}\\*\\* \\|`,
      ),
    );
    const text = findings(SUMMARY.claims);
    assert.equal(text.split('\n').filter((l) => l.startsWith('- **')).length, SUMMARY.claims.length);
    assert.match(text, new RegExp(`of ${SUMMARY.claims.length} claims reproduced or matched`));
  });

  it("findings give a 'differs' its direction, and count the verdicts", () => {
    const pair = (mean: number, lo: number, hi: number) => ({
      mean,
      ciLow: lo,
      ciHigh: hi,
      n: 5,
      seeds: [1, 2, 3, 4, 5],
      values: [],
    });
    const claim = (
      id: string,
      kind: 'beats' | 'matches',
      test: ReturnType<typeof pair>,
      ema: ReturnType<typeof pair>,
      verdict: string,
      verdictEma: string,
    ) => ({
      id,
      statement: id,
      paper: 'p',
      kind,
      b: { experiment: 'non-iid', variant: 'brn' as const },
      a: { experiment: 'baseline', variant: 'bn' as const },
      test,
      ema,
      verdict: verdict as never,
      verdictEma: verdictEma as never,
    });
    const text = findings([
      claim('x', 'matches', pair(-0.024, -0.027, -0.021), pair(-0.025, -0.036, -0.013), 'differs', 'differs'),
      claim('y', 'beats', pair(0.01, 0.005, 0.015), pair(0.01, -0.001, 0.02), 'reproduced', 'not significant'),
    ]);
    assert.match(text, /\*\*x\*\*: differs \(BRN on non-iid below BN on baseline\) with both readings/);
    assert.match(text, /\*\*y\*\*: not significant with the parameter average, reproduced with the trained parameters/);
    assert.match(
      text,
      /0 of 2 claims reproduced or matched, 1 against the paper \(reversed or differs\), 1 not significant or inconclusive/,
    );
  });

  it('makeFigures writes every figure with data, the block, and only the README block', async () => {
    const dir = testDir('fig');
    writeJsonAtomic(join(dir, 'results', 'quick', 'summary.json'), summaryToJson(SUMMARY));
    const readme = join(dir, 'README.md');
    writeFileSync(
      readme,
      'before\n<!-- results:quick:start -->\nold table\n<!-- results:quick:end -->\n<!-- results:full:start -->\nfull table\n<!-- results:full:end -->\n',
    );
    const written = await makeFigures({
      profile: 'quick',
      resultsDir: join(dir, 'results'),
      figuresDir: join(dir, 'figures'),
      readme,
    });
    // Every figure but the 1,000-class task's, which a 10-class summary has no data for.
    const drawn = FIGURES.filter((f) => !f.name.startsWith('triples-')).length;
    assert.equal(written.filter((p) => p.endsWith('.svg')).length, drawn);
    assert.equal(written.filter((p) => p.endsWith('.png')).length, drawn);
    const text = readFileSync(readme, 'utf8');
    assert.ok(text.startsWith('before\n<!-- results:quick:start -->\nTest accuracy'));
    assert.ok(
      text.endsWith('<!-- results:quick:end -->\n<!-- results:full:start -->\nfull table\n<!-- results:full:end -->\n'),
    );
    assert.doesNotMatch(text, /old table/);
    assert.equal(updateReadme(join(dir, 'missing.md'), 'quick', 'x'), false);
    await assert.rejects(
      makeFigures({ profile: 'full', resultsDir: join(dir, 'results'), figuresDir: dir, readme: null }),
      /No full summary under .*: run 'brn reproduce' first/,
    );
  });
});
