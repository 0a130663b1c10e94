/** Device-resident data: uploads, minibatch gathering, the per-process cache, and data identity. */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { initBackend } from '../backend';
import { tf } from '../tf';
import { testDir, writeTinyIdx } from '../testing';
import { DataCache, gatherBatch, prepareData, toDevice } from './dataset';
import { dataIdentity, knownDataIdentity } from './identity';
import { loadImageData, MNIST_MD5 } from './mnist';

before(async () => {
  await initBackend();
});

describe('device data', () => {
  const set = {
    images: Uint8Array.from([0, 255, 51, 102, 10, 20, 30, 40, 1, 2, 3, 4]),
    labels: Uint8Array.from([3, 1, 4]),
    count: 3,
    rows: 2,
    cols: 2,
  };

  it('uploads images scaled to [0, 1] with their labels, all or at given positions', () => {
    const all = toDevice(set);
    assert.deepEqual(all.x.shape, [3, 4]);
    assert.deepEqual(
      Array.from(all.x.dataSync().slice(0, 4)).map((v) => Math.round(v * 255)),
      [0, 255, 51, 102],
    );
    assert.ok(Math.abs(all.x.dataSync()[1] - 1) < 1e-7);
    assert.deepEqual(Array.from(all.labels.dataSync()), [3, 1, 4]);
    const some = toDevice(set, Int32Array.from([2, 0]));
    assert.deepEqual(Array.from(some.hostLabels), [4, 3]);
    assert.deepEqual(
      Array.from(some.x.dataSync().slice(0, 4)).map((v) => Math.round(v * 255)),
      [1, 2, 3, 4],
    );
  });

  it('gathers a minibatch by position', () => {
    const split = toDevice(set);
    const { x, labels } = gatherBatch(split, Int32Array.from([1, 1, 2]));
    assert.deepEqual(Array.from(labels.dataSync()), [1, 1, 4]);
    assert.deepEqual(
      Array.from(x.dataSync()).map((v) => Math.round(v * 255)),
      [10, 20, 30, 40, 10, 20, 30, 40, 1, 2, 3, 4],
    );
  });

  it('holds out a validation split, keeps the data of one key, and disposes it for the next', () => {
    const dir = writeTinyIdx(testDir('idx'), 200, 50);
    const data = prepareData({ dataDir: dir, validationSize: 40, splitSeed: 0 });
    assert.deepEqual(
      [data.train.count, data.validation.count, data.test.count, data.classes, data.imageSize],
      [160, 40, 50, 10, 28],
    );
    const cache = new DataCache();
    const before = tf.memory().numTensors;
    const a = cache.get({ dataDir: dir, validationSize: 40, splitSeed: 0 });
    assert.equal(cache.get({ dataDir: dir, validationSize: 40, splitSeed: 0 }), a);
    const b = cache.get({ dataDir: dir, validationSize: 20, splitSeed: 0 });
    assert.notEqual(b, a);
    assert.equal(tf.memory().numTensors, before + 6, 'the first data set was disposed');
    cache.dispose();
    assert.equal(tf.memory().numTensors, before);
  });
});

describe('data identity', () => {
  it('names MNIST by its checksums and other files by theirs; a changed byte changes the name', () => {
    const mnist = dataIdentity(null);
    assert.equal(mnist.name, 'mnist');
    assert.deepEqual(mnist.md5, MNIST_MD5);
    const dir = writeTinyIdx(testDir('idx'));
    const other = dataIdentity(dir);
    assert.match(other.name, /^idx-[0-9a-f]{8}$/);
    writeTinyIdx(dir, 300, 100, 2);
    assert.notEqual(dataIdentity(dir).name, other.name);
  });

  it('a missing file is an error naming it', () => {
    const dir = writeTinyIdx(testDir('idx'));
    writeFileSync(join(dir, 'keep'), '');
    const missing = join(dir, 'sub');
    assert.throws(() => dataIdentity(missing), /Data file not found: .*sub\/train-images-idx3-ubyte/);
  });
});

describe('gzip IDX and known data sets', () => {
  it('reads gzip-compressed IDX files, identified by their uncompressed bytes', () => {
    const plain = writeTinyIdx(testDir('idx'), 200, 50);
    const gz = testDir('gz');
    for (const f of readdirSync(plain)) writeFileSync(join(gz, `${f}.gz`), gzipSync(readFileSync(join(plain, f))));
    assert.deepEqual(dataIdentity(gz), dataIdentity(plain));
    const a = loadImageData(plain);
    const b = loadImageData(gz);
    assert.deepEqual([b.train.count, b.test.count, b.classes], [a.train.count, a.test.count, a.classes]);
    assert.deepEqual(b.train.images, a.train.images);
    writeFileSync(join(gz, 't10k-labels-idx1-ubyte.gz'), Buffer.from('not gzip at all'));
    assert.throws(() => loadImageData(gz), /t10k-labels-idx1-ubyte.gz: not a readable gzip file/);
  });

  it('Fashion-MNIST: missing files say what to install; files with other checksums are refused, naming the file', () => {
    const before = process.env.BRN_FASHION_MNIST_DIR;
    try {
      process.env.BRN_FASHION_MNIST_DIR = join(testDir('none'), 'fashion');
      assert.throws(
        () => knownDataIdentity('fashion-mnist'),
        /Fashion-MNIST is not installed at .*fashion: Data file not found: .*train-images-idx3-ubyte \(nor train-images-idx3-ubyte.gz\).*sudo apt-get install dataset-fashion-mnist/,
      );
      process.env.BRN_FASHION_MNIST_DIR = writeTinyIdx(testDir('fake'));
      assert.throws(
        () => knownDataIdentity('fashion-mnist'),
        /train-images-idx3-ubyte: md5 of its uncompressed bytes is [0-9a-f]{32}, not Fashion-MNIST's f4a8712d7a061bf5bd6d2ca38dc4d50a \(corrupt or different file\)/,
      );
      assert.throws(
        () => knownDataIdentity('kmnist'),
        /Unknown dataset 'kmnist': expected one of mnist, fashion-mnist/,
      );
    } finally {
      if (before === undefined) delete process.env.BRN_FASHION_MNIST_DIR;
      else process.env.BRN_FASHION_MNIST_DIR = before;
    }
    assert.equal(knownDataIdentity('mnist').identity.name, 'mnist');
  });
});

describe('the installed Fashion-MNIST', () => {
  const dir = process.env.BRN_FASHION_MNIST_DIR ?? '/usr/share/datasets/fashion-mnist';
  it(
    'matches its published checksums and loads as 60,000 + 10,000 images of 10 classes',
    { skip: !existsSync(dir) && `not installed at ${dir} (make fashion-mnist installs it)` },
    () => {
      const { identity } = knownDataIdentity('fashion-mnist');
      assert.equal(identity.name, 'fashion-mnist');
      const data = loadImageData(dir);
      assert.deepEqual([data.train.count, data.test.count, data.classes, data.train.rows], [60_000, 10_000, 10, 28]);
    },
  );
});
