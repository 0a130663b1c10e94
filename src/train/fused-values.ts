/**
 * What a fused trainer holds between steps: its parameters (in optimizer
 * order) with their RMSProp slots, each normalized layer's moving statistics,
 * and the exponential moving average of all of them. The trainers compute new
 * values in a step and hand them here (`replace`); checkpoints read and write
 * them by the names `buildModel`'s layers give their weights.
 */
import { tf } from '../tf';
import type { NamedArray, TrainerState } from './trainer';

/** A normalized layer's moving statistics: Algorithm 1's mean and standard deviation, and standard BN's biased variance. */
export interface Moving {
  mean: tf.Tensor;
  std: tf.Tensor;
  variance: tf.Tensor;
}

const MOVING_NAMES = { mean: 'moving_mean', std: 'moving_stddev', variance: 'moving_variance' } as const;

/** A set of model values: the trained ones, or their moving average. */
export interface Values {
  params: Map<string, tf.Tensor>;
  moving: Map<string, Moving>;
}

export class FusedValues {
  private params = new Map<string, tf.Tensor>();
  private slots = new Map<string, { ms: tf.Tensor; mom: tf.Tensor }>();
  private moving = new Map<string, Moving>();
  /** The exponential moving average of every parameter and moving statistic. */
  average: Values = { params: new Map(), moving: new Map() };

  /** A trainable parameter, with zeroed optimizer slots; parameters are updated in the order they are added. */
  addParam(name: string, t: tf.Tensor): void {
    this.params.set(name, t);
    this.slots.set(name, { ms: tf.zerosLike(t), mom: tf.zerosLike(t) });
  }

  /** A normalized layer's moving statistics over `units` features: mean 0, standard deviation 1, variance 1. */
  addMoving(layer: string, units: number): void {
    this.moving.set(layer, { mean: tf.zeros([units]), std: tf.ones([units]), variance: tf.ones([units]) });
  }

  /** Starts the average at the values as they are now (as TensorFlow's does): call once, after the last `add`. */
  startAverage(): void {
    // Copies, since the originals are disposed when they change.
    const copy = (t: tf.Tensor) => tf.add(t, 0);
    for (const [n, t] of this.params) this.average.params.set(n, copy(t));
    for (const [n, m] of this.moving) {
      this.average.moving.set(n, { mean: copy(m.mean), std: copy(m.std), variance: copy(m.variance) });
    }
  }

  get current(): Values {
    return { params: this.params, moving: this.moving };
  }

  param(name: string): tf.Tensor {
    return this.params.get(name)!;
  }

  paramNames(): string[] {
    return [...this.params.keys()];
  }

  slot(name: string): { ms: tf.Tensor; mom: tf.Tensor } {
    return this.slots.get(name)!;
  }

  /** The values as one list, in a fixed order (params, then each layer's moving statistics), for the average's update. */
  static flatten(values: Values): tf.Tensor[] {
    return [...values.params.values(), ...[...values.moving.values()].flatMap((m) => [m.mean, m.std, m.variance])];
  }

  private unflatten(list: tf.Tensor[]): Values {
    const params = new Map([...this.params.keys()].map((n, i) => [n, list[i]]));
    const offset = params.size;
    const moving = new Map(
      [...this.moving.keys()].map((n, i) => {
        const [mean, std, variance] = list.slice(offset + 3 * i, offset + 3 * i + 3);
        return [n, { mean, std, variance }];
      }),
    );
    return { params, moving };
  }

  /** Takes a step's new values and new average (each in `flatten` order), disposing the old ones. */
  replace(values: tf.Tensor[], average: tf.Tensor[]): void {
    const old = [...FusedValues.flatten(this.current), ...FusedValues.flatten(this.average)];
    ({ params: this.params, moving: this.moving } = this.unflatten(values));
    this.average = this.unflatten(average);
    tf.dispose(old);
  }

  /** The values by layer/weight name, moving statistics included (as `buildModel`'s layers name them). */
  private static named(values: Values): [string, tf.Tensor][] {
    const out: [string, tf.Tensor][] = [...values.params.entries()];
    for (const [layer, m] of values.moving) {
      for (const k of ['mean', 'std', 'variance'] as const) out.push([`${layer}/${MOVING_NAMES[k]}`, m[k]]);
    }
    return out;
  }

  state(): TrainerState {
    const read = ([name, t]: [string, tf.Tensor]): NamedArray => ({
      name,
      shape: t.shape,
      values: t.dataSync() as Float32Array,
    });
    const optimizer = [...this.slots.entries()].flatMap(([n, s]) => [
      read([`${n}/rms`, s.ms]),
      read([`${n}/momentum`, s.mom]),
    ]);
    return {
      weights: FusedValues.named(this.current).map(read),
      optimizer,
      average: FusedValues.named(this.average).map(read),
    };
  }

  restore(state: TrainerState): void {
    const lookup = (arrays: NamedArray[], what: string) => {
      const byName = new Map(arrays.map((a) => [a.name, a]));
      return (name: string) => {
        const a = byName.get(name);
        if (a === undefined) throw new Error(`checkpoint has no ${what} '${name}'`);
        return tf.tensor(a.values, a.shape);
      };
    };
    const weight = lookup(state.weights, 'weight');
    const slot = lookup(state.optimizer, 'optimizer slot');
    const average = lookup(state.average, 'average');
    const load = (values: Values, take: (name: string) => tf.Tensor): Values => ({
      params: new Map([...values.params.keys()].map((n) => [n, take(n)])),
      moving: new Map(
        [...values.moving.keys()].map((n) => [
          n,
          {
            mean: take(`${n}/${MOVING_NAMES.mean}`),
            std: take(`${n}/${MOVING_NAMES.std}`),
            variance: take(`${n}/${MOVING_NAMES.variance}`),
          },
        ]),
      ),
    });
    const old = this.all();
    ({ params: this.params, moving: this.moving } = load(this.current, weight));
    this.average = load(this.average, average);
    for (const n of this.slots.keys()) this.slots.set(n, { ms: slot(`${n}/rms`), mom: slot(`${n}/momentum`) });
    tf.dispose(old);
  }

  private all(): tf.Tensor[] {
    return [
      ...FusedValues.flatten(this.current),
      ...FusedValues.flatten(this.average),
      ...[...this.slots.values()].flatMap((s) => [s.ms, s.mom]),
    ];
  }

  dispose(): void {
    tf.dispose(this.all());
  }
}
