/**
 * Rounds summarized only whole (`WHOLE_ROUNDS`): while the conv round runs,
 * a confirmatory summary leaves its experiments out, says how far it is, and
 * is still written (the MLP's experiments are judged as before).
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { KIT_ROOT } from '../paths';
import { CNN_CONFIRMATORY_PLAN, WHOLE_ROUNDS } from '../protocol/cnn-plan';
import { CONFIRMATORY_SEEDS } from '../protocol/rule';
import { testDir } from '../testing';
import { describeInProgress } from './summary';
import { readSummaryFile, saveSummary } from './store';
import { summarize } from './summary';

const committed = join(KIT_ROOT, 'data', 'runs', 'fashion-mnist', 'confirmatory');

/** A runs directory holding copies of the committed confirmatory logs `jobs` (`<experiment>/<variant>-seed<N>`). */
function runsWith(jobs: string[]): string {
  const runs = testDir('runs');
  for (const job of jobs) {
    const [experiment, file] = job.split('/');
    mkdirSync(join(runs, 'fashion-mnist', 'confirmatory', experiment), { recursive: true });
    copyFileSync(
      join(committed, experiment, `${file}.jsonl`),
      join(runs, 'fashion-mnist', 'confirmatory', job + '.jsonl'),
    );
  }
  return runs;
}

describe('whole rounds', () => {
  it('a conv round with unfinished jobs stays out of the summary, which says how far it is', () => {
    const conv = ['cnn-baseline/bn-seed6', 'cnn-baseline/brn-seed6', 'cnn-baseline/gn-seed6'];
    const mlp = ['baseline/bn-seed6', 'baseline/brn-seed6', 'baseline/gn-seed6'];
    const runs = runsWith([...conv, ...mlp]);
    const summary = summarize('confirmatory', runs, [], 'fashion-mnist');
    assert.deepEqual(Object.keys(summary.experiments), ['baseline']);
    for (const part of [summary.curves, summary.timing, summary.configs]) assert.equal(part['cnn-baseline'], undefined);
    const planned = Object.values(CNN_CONFIRMATORY_PLAN).reduce((n, p) => n + p.variants.length, 0);
    assert.equal(planned * CONFIRMATORY_SEEDS.conv.length, 65);
    assert.equal(summary.inProgress?.length, 1);
    const [round] = summary.inProgress!;
    assert.deepEqual(
      { round: round.round, architecture: round.architecture, planned: round.planned, finished: round.finished },
      { round: 'cnn', architecture: 'conv', planned: 65, finished: 3 },
    );
    assert.equal(round.unfinished.length, 62);
    assert.ok(round.unfinished.includes('confirmatory/cnn-non-iid/none-seed10'));
    assert.ok(!round.unfinished.includes('confirmatory/cnn-baseline/bn-seed6'));
    // The round's logs are neither counted in the summary's own jobs nor in its provenance.
    assert.equal(summary.jobs?.planned, 30);
    assert.equal(
      summary.provenance?.commits.every((c) => !c.startsWith('779b0cf')),
      true,
    );
    assert.match(describeInProgress(summary)[0], /: 3 of 65 jobs finished; its experiments \(cnn-baseline, /);
    // Variants on different seeds within the withheld round do not keep the summary from being written.
    const results = testDir('results');
    const path = saveSummary(summary, runs, results);
    assert.deepEqual(readSummaryFile(path)?.inProgress, summary.inProgress);
  });

  it('a round with no job started is left out silently', () => {
    const summary = summarize('confirmatory', runsWith(['baseline/bn-seed6']), [], 'fashion-mnist');
    assert.equal(summary.inProgress, undefined);
    assert.deepEqual(
      WHOLE_ROUNDS.map((r) => r.experiments),
      [['cnn-baseline', 'cnn-microbatch', 'cnn-microbatch-mb2', 'cnn-non-iid']],
    );
  });

  it('the committed conv logs are the round’s, on its seeds', () => {
    for (const experiment of Object.keys(CNN_CONFIRMATORY_PLAN)) {
      let files: string[] = [];
      try {
        files = readdirSync(join(committed, experiment)).filter((f) => /-seed\d+\.jsonl$/.test(f));
      } catch {
        continue;
      }
      for (const f of files) {
        const seed = Number(/-seed(\d+)\.jsonl$/.exec(f)?.[1]);
        assert.ok(CONFIRMATORY_SEEDS.conv.includes(seed), `${experiment}/${f}`);
      }
    }
  });
});
