/**
 * Seeded minibatch samplers. Each draws positions into one data set (0 … n−1)
 * from its own seedrandom generator (alea), so the same seed gives the same
 * batches, and `skip(n)` replays n batches exactly (used to resume a run).
 */
import seedrandom from 'seedrandom';

export interface BatchSampler {
  readonly batchSize: number;
  /** The next minibatch, as positions into the data set. */
  next(): Int32Array;
  /** Draws and discards `batches` minibatches. */
  skip(batches: number): void;
}

type Rng = () => number;

function rng(seed: number): Rng {
  return seedrandom.alea(`brn-sampler-${seed}`);
}

function shuffleInPlace(a: Int32Array, random: Rng): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
}

function checkPositiveInteger(value: number, what: string): void {
  if (!Number.isInteger(value) || value < 1) throw new Error(`${what} must be a positive integer, got ${value}`);
}

function skipper(next: () => Int32Array): (batches: number) => void {
  return (batches: number) => {
    for (let i = 0; i < batches; i++) next();
  };
}

/**
 * i.i.d. minibatches: shuffled epochs over `size` examples; a batch that
 * crosses an epoch boundary finishes with the next epoch's first examples.
 */
export function iidSampler(size: number, batchSize: number, seed: number): BatchSampler {
  checkPositiveInteger(size, 'iidSampler: data set size');
  checkPositiveInteger(batchSize, 'iidSampler: batch size');
  if (batchSize > size) throw new Error(`iidSampler: batch size ${batchSize} exceeds the data set size ${size}`);
  const random = rng(seed);
  const order = Int32Array.from({ length: size }, (_, i) => i);
  let cursor = size;
  const next = () => {
    const batch = new Int32Array(batchSize);
    for (let i = 0; i < batchSize; i++) {
      if (cursor === size) {
        shuffleInPlace(order, random);
        cursor = 0;
      }
      batch[i] = order[cursor++];
    }
    return batch;
  };
  return { batchSize, next, skip: skipper(next) };
}

export interface LabelGrouping {
  /** k: labels per minibatch. When k exceeds the number of classes, labels repeat (each class ⌊k/C⌋ or ⌈k/C⌉ times). */
  labelsPerBatch: number;
  /** m: examples of each label drawn. */
  examplesPerLabel: number;
}

/**
 * Non-i.i.d. minibatches grouped by label (paper section 4.3): each batch holds
 * k labels × m examples of each, laid out label by label. Labels are drawn
 * without replacement inside a batch (up to the class count); each class's
 * examples come from its own shuffled pool, reshuffled when too few are left,
 * and no example appears twice in a batch.
 */
export function labelGroupedSampler(labels: ArrayLike<number>, grouping: LabelGrouping, seed: number): BatchSampler {
  const { labelsPerBatch: k, examplesPerLabel: m } = grouping;
  checkPositiveInteger(k, 'labelGroupedSampler: labels per batch (k)');
  checkPositiveInteger(m, 'labelGroupedSampler: examples per label (m)');
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i];
    if (!byClass.has(l)) byClass.set(l, []);
    byClass.get(l)!.push(i);
  }
  const classes = [...byClass.keys()].sort((a, b) => a - b);
  if (classes.length === 0) throw new Error('labelGroupedSampler: no labels');
  const repeats = Math.ceil(k / classes.length);
  for (const c of classes) {
    const have = byClass.get(c)!.length;
    if (have < m * repeats) {
      throw new Error(
        `labelGroupedSampler: class ${c} has ${have} examples, fewer than the ${m * repeats} a batch of ${k} labels x ${m} examples may need`,
      );
    }
  }
  const random = rng(seed);
  const pools = new Map(classes.map((c) => [c, { order: Int32Array.from(byClass.get(c)!), cursor: Infinity }]));
  const classOrder = Int32Array.from(classes);
  // A class drawn r times in a batch gives r·m examples at once; a pool with
  // fewer left is reshuffled first, so no example appears twice in a batch.
  const take = (c: number, count: number, out: Int32Array, at: number) => {
    const pool = pools.get(c)!;
    if (pool.cursor + count > pool.order.length) {
      shuffleInPlace(pool.order, random);
      pool.cursor = 0;
    }
    out.set(pool.order.subarray(pool.cursor, pool.cursor + count), at);
    pool.cursor += count;
  };
  const next = () => {
    const batch = new Int32Array(k * m);
    const chosen: number[] = [];
    while (chosen.length < k) {
      shuffleInPlace(classOrder, random);
      chosen.push(...Array.from(classOrder.subarray(0, Math.min(classOrder.length, k - chosen.length))));
    }
    chosen.sort((a, b) => a - b);
    let at = 0;
    for (let i = 0; i < chosen.length;) {
      let j = i;
      while (j < chosen.length && chosen[j] === chosen[i]) j++;
      take(chosen[i], (j - i) * m, batch, at);
      at += (j - i) * m;
      i = j;
    }
    return batch;
  };
  return { batchSize: k * m, next, skip: skipper(next) };
}

/**
 * A fixed, seeded split of `count` examples into training and validation
 * positions (each sorted ascending).
 */
export function validationSplit(
  count: number,
  validationSize: number,
  seed: number,
): { train: Int32Array; validation: Int32Array } {
  checkPositiveInteger(count, 'validationSplit: example count');
  if (!Number.isInteger(validationSize) || validationSize < 1 || validationSize >= count) {
    throw new Error(`validationSplit: validation size must be an integer in [1, ${count - 1}], got ${validationSize}`);
  }
  const order = Int32Array.from({ length: count }, (_, i) => i);
  shuffleInPlace(order, seedrandom.alea(`brn-split-${seed}`));
  return { validation: order.slice(0, validationSize).sort(), train: order.slice(validationSize).sort() };
}

/** A minibatch to evaluate: positions into a data set, of which the first `scored` are scored (the rest fill the batch). */
export interface EvalBatch {
  positions: Int32Array;
  scored: number;
}

/** `batches` minibatches of `sampler`, every example scored. */
export function sampledBatches(sampler: BatchSampler, batches: number): EvalBatch[] {
  return Array.from({ length: batches }, () => ({ positions: sampler.next(), scored: sampler.batchSize }));
}

/**
 * i.i.d. minibatches of `batchSize` that score each of `size` examples exactly
 * once: one seeded shuffle cut into batches; when `batchSize` does not divide
 * `size`, the last batch holds the r examples left, scored, followed by the
 * first `batchSize` − r of the shuffle, which only give the batch its size
 * (so its statistics are those of a full i.i.d. batch, without repeats).
 */
export function coveringBatches(size: number, batchSize: number, seed: number): EvalBatch[] {
  checkPositiveInteger(size, 'coveringBatches: data set size');
  checkPositiveInteger(batchSize, 'coveringBatches: batch size');
  if (batchSize > size) throw new Error(`coveringBatches: batch size ${batchSize} exceeds the data set size ${size}`);
  const order = Int32Array.from({ length: size }, (_, i) => i);
  shuffleInPlace(order, rng(seed));
  const batches: EvalBatch[] = [];
  for (let start = 0; start < size; start += batchSize) {
    const left = Math.min(batchSize, size - start);
    const positions = new Int32Array(batchSize);
    positions.set(order.subarray(start, start + left));
    positions.set(order.subarray(0, batchSize - left), left);
    batches.push({ positions, scored: left });
  }
  return batches;
}
