/** Notebook 07's choice of conv results: the confirmatory round once whole, else the short schedule said as such. */
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { KIT_ROOT } from './paths';
import { cnnResults, confirmatoryResults } from './notebook';
import { readSummary, summaryPath } from './results/store';

const RESULTS = join(KIT_ROOT, 'data', 'results');

describe("notebook 07's conv results", () => {
  it('show the committed round when whole, else the short schedule, naming its steps and how far the round has run', () => {
    const before = process.env.BRN_NOTEBOOK_PROFILE;
    delete process.env.BRN_NOTEBOOK_PROFILE;
    try {
      const round = readSummary('confirmatory', RESULTS, 'fashion-mnist');
      const shown = cnnResults({ resultsDir: RESULTS });
      if (round?.experiments['cnn-baseline'] !== undefined) {
        assert.equal(shown.profile, 'confirmatory');
        assert.match(shown.note, /\*\*confirmatory\*\* conv round \(60,000 steps/);
      } else {
        const full = readSummary('full', RESULTS, 'fashion-mnist')!;
        const steps = full.configs['cnn-baseline'].steps.toLocaleString('en-US');
        assert.equal(shown.profile, 'full');
        assert.match(
          shown.note,
          new RegExp(`\\*\\*short schedule\\*\\* \\(${steps} steps, batchnorm alone until step`),
        );
        const running = round?.inProgress?.find((r) => r.architecture === 'conv');
        if (running !== undefined)
          assert.ok(shown.note.includes(`running: ${running.finished} of ${running.planned} jobs are committed`));
      }
      assert.ok(Object.keys(shown.summary.experiments).every((e) => e.startsWith('cnn-')));
    } finally {
      if (before === undefined) delete process.env.BRN_NOTEBOOK_PROFILE;
      else process.env.BRN_NOTEBOOK_PROFILE = before;
    }
  });

  it('take a confirmatory summary that holds the conv experiments as the round, its schedule read from its configs', () => {
    const dir = mkdtempSync(join(tmpdir(), 'brn-nb07-'));
    try {
      // A stand-in round: the short-schedule summary placed where the confirmatory one goes.
      const to = summaryPath(dir, 'confirmatory', 'fashion-mnist');
      mkdirSync(dirname(to), { recursive: true });
      cpSync(summaryPath(RESULTS, 'full', 'fashion-mnist'), to);
      const before = process.env.BRN_NOTEBOOK_PROFILE;
      delete process.env.BRN_NOTEBOOK_PROFILE;
      try {
        const shown = cnnResults({ resultsDir: dir });
        assert.equal(shown.profile, 'confirmatory');
        assert.match(
          shown.note,
          /\(10,000 steps, batchnorm alone until step 833, rmax 3 by step 6,667; rule v2 on 3 to 5 fresh seeds\)/,
        );
      } finally {
        if (before !== undefined) process.env.BRN_NOTEBOOK_PROFILE = before;
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuse a model rule v2 declares no round of, naming the ones it does', () => {
    assert.throws(
      () => confirmatoryResults('mnist', { resultsDir: RESULTS, architecture: 'conv' }),
      /No confirmatory round of the conv on 'mnist': rule v2 declares mlp/,
    );
    assert.throws(() => confirmatoryResults('cifar', { resultsDir: RESULTS }), /Unknown dataset 'cifar'/);
    assert.match(
      confirmatoryResults('fashion-mnist', { resultsDir: RESULTS, architecture: 'conv' }).verdicts,
      /^### Fashion-MNIST, CNN/,
    );
  });
});
