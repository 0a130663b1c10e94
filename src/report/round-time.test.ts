/** What `make cnn` says a round takes: the wall time of jobs on N workers, and the committed conv logs read into it. */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { KIT_ROOT } from '../paths';
import { describeRoundTime, makespan, roundTime } from './round-time';

const RUNS = join(KIT_ROOT, 'data', 'runs');

describe('round time', () => {
  it('makespan: each job goes to the worker that frees first, in order', () => {
    // Worker 1: 10 (free at 10); worker 2: 4, 5 (free at 9), 3 (free at 12); then 6 goes to worker 1: 16.
    assert.equal(makespan([10, 4, 5, 3, 6], 2), 16);
    assert.equal(makespan([10, 4, 5, 3, 6], 1), 28);
    assert.equal(makespan([7, 7, 7], 3), 7);
    assert.equal(makespan([], 2), 0);
  });

  it('describes a whole round by its wall time, an unfinished one by what is left at the mean', () => {
    const base = { title: 'r', planned: 4, resumed: 0, evaluationRatio: 1, workers: 2 };
    const whole = describeRoundTime({ ...base, seconds: [3600, 3600, 7200, 3600] });
    assert.match(whole, /4 of 4 jobs finished/);
    assert.match(whole, /75\.0 min a job on average, median 60\.0 \(60\.0 to 120\.0/);
    assert.match(whole, /5\.0 h of one core in all/);
    assert.match(whole, /on 2 cores, one job each: 3\.0 h of wall time/);
    const half = describeRoundTime({ ...base, seconds: [3600, 7200], resumed: 1, evaluationRatio: 1.05 });
    assert.match(half, /2 of 4 jobs finished/);
    assert.match(half, /1 of them were resumed .* times 1\.050/);
    assert.match(half, /the 2 left, at that mean: about 1\.5 h more on 2 cores \(the round: about 3\.0 h\)/);
    assert.match(describeRoundTime({ ...base, seconds: [] }), /no job has finished yet/);
  });

  it('reads every committed log of the conv round, and a resumed job from its training time', () => {
    const t = roundTime('cnn', RUNS, 'fashion-mnist');
    assert.equal(t.planned, 65);
    const root = join(RUNS, 'fashion-mnist', 'confirmatory');
    const logs = readdirSync(root)
      .filter((e) => e.startsWith('cnn-'))
      .flatMap((e) => readdirSync(join(root, e)).filter((f) => /-seed\d+\.jsonl$/.test(f)));
    assert.equal(t.seconds.length, logs.length);
    // A job takes at least its 60,000 steps at the fastest logged rate, about 21 ms: 21 minutes.
    assert.ok(Math.min(...t.seconds) > 20 * 60, `shortest job ${Math.min(...t.seconds)} s`);
    assert.ok(t.evaluationRatio > 1 && t.evaluationRatio < 1.2, `ratio ${t.evaluationRatio}`);
  });

  it('names a bad round, a bad worker count and an unknown data set', () => {
    assert.throws(() => roundTime('nope', RUNS, 'fashion-mnist'), /Unknown round 'nope': the whole rounds are cnn/);
    assert.throws(() => roundTime('cnn', RUNS, 'fashion-mnist', 'x'), /--workers .* not 'x'/);
    assert.throws(() => roundTime('cnn', RUNS, 'fashion-mnist', 0), /--workers .* not '0'/);
    assert.throws(() => roundTime('cnn', RUNS, 'cifar'), /cifar/);
  });
});
