/** The experiments as data: they validate, bad configs are refused naming the value, and the verdict rule at its edges. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { verdictOf } from './claims';
import { baseline } from './baseline';
import { forProfile, scaleDecay, validateConfig, type Variant } from './config';
import { microbatch } from './microbatch';
import { nonIid } from './non-iid';

describe('configs and bad input', () => {
  it('the paper experiments validate in both profiles', () => {
    for (const e of [baseline, microbatch, nonIid])
      for (const p of ['quick', 'full'] as const) validateConfig(forProfile(e, p));
    assert.equal(forProfile(baseline, 'full').steps, 60_000);
    assert.deepEqual(forProfile(baseline, 'quick').ramp, {
      warmupSteps: 250,
      rmax: 3,
      rmaxSteps: 2_000,
      dmax: 5,
      dmaxSteps: 1_250,
    });
    // The parameter average's window, 1/(1 − δ), shrinks with the run: 10,000 steps of 60,000, 500 of 3,000.
    assert.equal(forProfile(baseline, 'full').emaDecay, 0.9999);
    assert.equal(forProfile(baseline, 'quick').emaDecay, 0.998);
    assert.equal(scaleDecay(0.99, 4), 0.96);
    assert.deepEqual(forProfile(baseline, 'full').seeds, [1, 2, 3, 4, 5]);
  });

  it('k x m must equal the batch size; microbatches must divide it', () => {
    assert.throws(
      () => validateConfig({ ...nonIid, sampler: { kind: 'label-grouped', labelsPerBatch: 3, examplesPerLabel: 8 } }),
      /labelsPerBatch x examplesPerLabel = 3 x 8 = 24, not the batch size 32/,
    );
    assert.throws(
      () => validateConfig({ ...microbatch, microbatchSize: 5 }),
      /microbatchSize 5 does not divide batchSize 32/,
    );
    assert.throws(() => validateConfig({ ...baseline, steps: 0 }), /steps must be a positive integer, got 0/);
    assert.throws(
      () => validateConfig({ ...baseline, checkpointEvery: 1_500 }),
      /checkpointEvery \(1500\) must be a multiple of evalEvery \(1000\)/,
    );
    assert.throws(() => validateConfig({ ...baseline, emaDecay: 1 }), /emaDecay must be in \[0, 1\), got 1/);
    assert.throws(
      () => validateConfig({ ...baseline, variants: ['bn', 'xn' as Variant] }),
      /unknown variant 'xn': expected one of bn, brn, brn-noramp, brn-tight, gn, ln, none/,
    );
    assert.throws(() => validateConfig({ ...baseline, variants: ['bn', 'bn'] }), /a variant is listed twice/);
    assert.throws(
      () => validateConfig({ ...microbatch, variants: ['bn', 'gn'] }),
      /'gn' is both trained here and shared from 'baseline'/,
    );
  });
});

describe('the verdict rule', () => {
  it('the verdict rule at its edges', () => {
    assert.equal(verdictOf('beats', { ciLow: 0.0001, ciHigh: 0.01 }), 'reproduced');
    assert.equal(verdictOf('beats', { ciLow: -0.01, ciHigh: -0.0001 }), 'reversed');
    assert.equal(verdictOf('beats', { ciLow: -0.0001, ciHigh: 0.01 }), 'not significant');
    assert.equal(verdictOf('beats', { ciLow: null, ciHigh: null }), 'no interval');
    assert.equal(verdictOf('matches', { ciLow: -0.003, ciHigh: 0.003 }), 'matched');
    assert.equal(
      verdictOf('matches', { ciLow: 0.001, ciHigh: 0.002 }),
      'matched',
      'inside the margin, even if it excludes 0',
    );
    assert.equal(verdictOf('matches', { ciLow: 0.001, ciHigh: 0.004 }), 'differs');
    assert.equal(verdictOf('matches', { ciLow: -0.002, ciHigh: 0.0031 }), 'inconclusive');
    assert.equal(verdictOf('matches', { ciLow: -0.01, ciHigh: -0.004 }), 'differs');
    assert.equal(verdictOf('matches', null), 'no interval');
  });
});
