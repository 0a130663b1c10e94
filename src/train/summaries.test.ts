/** Summaries of real (tiny) jobs: what a run writes, a summary reads exactly, and never loses. */
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { initBackend } from '../backend';
import type { FinalRecord } from '../results/records';
import { readJobRecords } from '../results/seal';
import { writeSummary } from '../results/store';
import { summarize } from '../results/summary';
import { testDir } from '../testing';
import { jobPaths } from './spec';
import { runTinyJob, tinyData, tinySpec, tmpRuns } from './tiny-job.fixture';

before(async () => {
  await initBackend();
});

after(() => tinyData.dispose());

describe('summaries of finished jobs', () => {
  it('a summary is not replaced by one that lacks results, nor written when variants ran on different seeds', async () => {
    const dir = tmpRuns();
    const results = testDir('results');
    await runTinyJob(tinySpec(dir, 'bn'));
    await runTinyJob(tinySpec(dir, 'brn'));
    const { path } = writeSummary('quick', dir, results);
    const before = readFileSync(path, 'utf8');
    rmSync(jobPaths(tinySpec(dir, 'brn')).final);
    assert.throws(
      () => writeSummary('quick', dir, results),
      /left as it was: the summary holds 1 result\(s\) whose logs are not here: tiny\/brn-seed1/,
    );
    assert.equal(readFileSync(path, 'utf8'), before);
    await runTinyJob(tinySpec(dir, 'brn'));
    await runTinyJob({ ...tinySpec(dir, 'bn'), seed: 2 });
    assert.throws(
      () => writeSummary('quick', dir, testDir('results')),
      /tiny: variants ran on different seeds \(bn: 1,2; bn-standard: 1,2; bn-batchstats: 1,2; bn-batchstats-iid: 1,2; brn: 1\)/,
    );
  });

  it('summaries keep per-seed values and the paired BRN − BN interval', async () => {
    const dir = tmpRuns();
    for (const seed of [1, 2]) for (const v of ['bn', 'brn'] as const) await runTinyJob({ ...tinySpec(dir, v), seed });
    const { variants: e, pairs } = summarize('quick', dir).experiments.tiny;
    const finals = (v: string) =>
      [1, 2].map(
        (seed) =>
          (readJobRecords(jobPaths({ ...tinySpec(dir, v as 'bn' | 'brn'), seed }).final).at(-1) as FinalRecord)
            .testAccuracy,
      );
    assert.deepEqual(e.bn!.testAccuracy.values, finals('bn'));
    assert.deepEqual(e.brn!.testAccuracy.seeds, [1, 2]);
    const pair = pairs['brn-bn'];
    assert.ok(
      Math.abs(pair.mean - (finals('brn')[0] - finals('bn')[0] + finals('brn')[1] - finals('bn')[1]) / 2) < 1e-12,
    );
    assert.ok(pair.ciLow! <= pair.mean && pair.mean <= pair.ciHigh!);
  });
});
