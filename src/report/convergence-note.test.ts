/** The conv round's convergence sentence: the last third's range and gain, and the climbing threshold, from the curves. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { convergenceLines, convergenceNote, convergenceSentence, type ConvergenceCheck } from './convergence-note';

const curve = (accuracies: number[], every: number) =>
  accuracies.map((a, i) => ({ step: i * every, validationAccuracy: a, validationAccuracyEma: a, msPerStep: null }));

describe('convergence note', () => {
  it('reads the last third: range and gain of the parameter average; levelled off at a gain of 0.2 or less', () => {
    // Steps 0..90 every 10: the last third is from step 60 (ceil(2 × 90 / 3)): 0.900, 0.905, 0.899, 0.901.
    const check: ConvergenceCheck = {
      steps: 90,
      curves: { bn: curve([0.1, 0.5, 0.7, 0.8, 0.85, 0.88, 0.9, 0.905, 0.899, 0.901], 10) },
    };
    const s = convergenceSentence(check, 'f.json');
    assert.match(s, /from step 60 to 90 is 89\.9–90\.5% for BN \(\+0\.1 points from the first to the last\)/);
    assert.match(s, /has levelled off/);
  });

  it('says still climbing when any variant gains more than 0.2 points over the last third', () => {
    const check: ConvergenceCheck = {
      steps: 60,
      curves: {
        bn: curve([0.1, 0.8, 0.85, 0.9, 0.9, 0.9, 0.9], 10),
        gn: curve([0.1, 0.8, 0.85, 0.9, 0.901, 0.903, 0.904], 10),
      },
    };
    const s = convergenceSentence(check, 'f.json');
    assert.match(s, /90\.0–90\.0% for BN \(\+0\.0 points/);
    assert.match(s, /90\.1–90\.4% for GN \(\+0\.3 points/);
    assert.match(s, /\*\*still climbing\*\* at 60 steps/);
  });

  it('names a check with too few evaluations in its last third', () => {
    assert.throws(
      () => convergenceSentence({ steps: 30, curves: { bn: curve([0.1, 0.5, 0.9], 15) } }, 'f.json'),
      /f\.json: bn has fewer than 2 evaluations from step 20/,
    );
  });

  it('the committed check at 60,000 steps, beside a conv part only', () => {
    const note = convergenceNote();
    assert.ok(note !== null);
    assert.match(note, /cnn-convergence-60k\.json.*to 60,000 is .* for BN .* for GN/);
    assert.deepEqual(convergenceLines({ architecture: 'mlp' }), []);
    assert.deepEqual(convergenceLines({ architecture: 'conv' }, 'secondary'), []);
    assert.deepEqual(convergenceLines({ architecture: 'conv' }, 'primary'), [note, '']);
  });
});
