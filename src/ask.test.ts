/**
 * Notebook 08's questions: bad settings named, the schedule scaled as the
 * quick profile scales it, and a tiny question trained, judged and, asked
 * again, answered from the finished jobs.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import {
  answerMarkdown,
  ask,
  checkQuestion,
  DEFAULT_QUESTION,
  expectedSeconds,
  questionConfig,
  type Question,
} from './ask';
import { initBackend } from './backend';
import { BASE, forProfile } from './protocol/config';
import { CNN_BASE } from './protocol/cnn';
import { testDir } from './testing';

before(async () => {
  await initBackend();
});

describe('asking your own question', () => {
  it('names a bad setting and its value', () => {
    const q = DEFAULT_QUESTION;
    assert.throws(() => checkQuestion({ ...q, microbatch: 3 }), /microbatch is 3; expected null or a divisor of 32/);
    assert.throws(() => checkQuestion({ ...q, normalizers: ['bn', 'bn'] }), /normalizers is \["bn","bn"\]/);
    assert.throws(() => checkQuestion({ ...q, normalizers: ['xn' as never] }), /normalizers is \["xn"\]/);
    assert.throws(() => checkQuestion({ ...q, sampler: { labels: 3, perLabel: 10 } }), /labels · perLabel = 32/);
    assert.throws(() => checkQuestion({ ...q, seeds: 1 }), /seeds is 1; expected an integer from 2 to 20/);
    assert.throws(() => checkQuestion({ ...q, steps: 60_001 }), /steps is 60001/);
    assert.throws(() => checkQuestion({ ...q, dataset: 'cifar' as never }), /dataset is "cifar"/);
  });

  it('scales the schedule as the quick profile does (at 3,000 steps, the same ramp, staircase and average)', () => {
    for (const [model, base] of [
      ['mlp', BASE],
      ['conv', CNN_BASE],
    ] as const) {
      const c = questionConfig({ ...DEFAULT_QUESTION, model, steps: 3_000 });
      const quick = forProfile(base, 'quick');
      assert.deepEqual(c.ramp, quick.ramp, model);
      assert.equal(c.optimizer.lrDecaySteps, quick.optimizer.lrDecaySteps, model);
      assert.equal(c.emaDecay, quick.emaDecay, model);
      assert.equal(c.architecture, model);
    }
    const c = questionConfig({ ...DEFAULT_QUESTION, sampler: { labels: 2, perLabel: 16 } });
    assert.equal(c.name, 'ask-mlp-2x16-mb2-steps6000');
    assert.deepEqual(c.sampler, { kind: 'label-grouped', labelsPerBatch: 2, examplesPerLabel: 16 });
    assert.deepEqual(c.seeds, [1, 2]);
    assert.deepEqual(c.variants, ['bn', 'brn', 'gn']);
  });

  it('trains a tiny question, judges it by seed, and asked again reuses every job', async () => {
    const dir = testDir('ask');
    const q: Question = { ...DEFAULT_QUESTION, dataset: 'mnist', normalizers: ['bn', 'brn'], steps: 120, seeds: 2 };
    assert.ok(expectedSeconds(q, 2, dir)! > 0, 'four jobs to train');
    const first = await ask(q, { dir, jobs: 2 });
    assert.equal(first.trained, 4);
    assert.equal(first.family.claims.length, 1);
    const c = first.family.claims[0];
    assert.equal(c.statement, 'BRN beats BN');
    assert.equal(c.trained?.n, 2);
    assert.deepEqual(c.trained?.seeds, [1, 2]);
    assert.ok(existsSync(join(dir, 'timing.json')), 'the per-job cost is kept for the next estimate');
    assert.equal(expectedSeconds(q, 2, dir), 0, 'nothing left to train');
    const again = await ask(q, { dir, jobs: 2 });
    assert.deepEqual([again.trained, again.reused], [0, 4]);
    assert.equal(again.family.claims[0].trained?.mean, c.trained?.mean);
    assert.match(answerMarkdown(again), /\| BRN beats BN \| \*\*(yes|not significant|no, the other way round)\*\* /);
  });
});
