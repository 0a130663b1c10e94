/** The figure of docs/MNIST-TRIPLES.md is the composed task's own pixels and classes. */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { loadImageData } from '../data/mnist';
import { validationSplit } from '../data/samplers';
import { composeTriples, type TriplesSplits } from '../data/triples';
import { triplesExamplesSpec } from './triples-examples';

let splits: TriplesSplits;
before(() => {
  const mnist = loadImageData();
  splits = composeTriples(mnist, validationSplit(mnist.train.count, 5_000, 0).validation);
});

describe('the mnist-triples examples figure', () => {
  it('draws each image with its own class, pixel for pixel', () => {
    const spec = triplesExamplesSpec(splits.train, 6, 3) as {
      data: { values: { n: number; caption: string; x: number; y: number; v: number }[] };
    };
    const { values } = spec.data;
    assert.equal(values.length, 6 * 588);
    for (const p of values.filter((_, i) => i % 97 === 0)) {
      assert.equal(p.caption, `class ${String(splits.train.labels[p.n]).padStart(3, '0')}`);
      assert.equal(p.v, splits.train.images[p.n * 588 + p.y * 42 + p.x]);
    }
    assert.throws(() => triplesExamplesSpec(splits.train, 0), /count must be an integer in \[1, 100000\], got 0/);
  });
});
