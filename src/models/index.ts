/**
 * The experiments' models. The normalization is a parameter:
 *
 * - `none`: no normalization (dense layers get a bias instead);
 * - `bn`: batchnorm as this library's layer held at rmax = 1, dmax = 0, which
 *   is tested equal to `tf.layers.batchNormalization` in training and
 *   inference; unlike tfjs's layer it can normalize over microbatches, and it
 *   makes the BN and BRN runs differ in r and d alone;
 * - `bn-tfjs`: tfjs's own `tf.layers.batchNormalization` (no microbatches);
 * - `brn`: Batch Renormalization, clipping set each step from the ramp;
 * - `gn`: Group Normalization (`groups` groups); `ln`: GN with one group.
 *
 * `bn` and `brn` layers also keep standard batchnorm's moving variance
 * (`VarianceTrackingRenormalization`), so a BN model can be evaluated both ways.
 *
 * Every initializer is seeded from the model seed. Dense and convolution layers
 * are the kit's `DenseLayer`/`Conv2DLayer`, whose gradients take every
 * backend's fast path (see their files).
 */
import { GroupNormalization } from '../groupnorm/layer';
import { tf } from '../tf';
import { VarianceTrackingRenormalization } from './tracked-renorm';
import { conv2dLayer } from './conv';
import { denseLayer } from './dense';

export const NORMALIZATIONS = ['none', 'bn', 'bn-tfjs', 'brn', 'gn', 'ln'] as const;
export type Normalization = (typeof NORMALIZATIONS)[number];
export const ARCHITECTURES = ['mlp', 'conv'] as const;
export type Architecture = (typeof ARCHITECTURES)[number];

/** Settings shared by every normalization layer of a model. */
export interface NormLayerConfig {
  /** Momentum of the moving statistics (α = 1 − momentum). */
  momentum: number;
  /** ε, added to the batch variance inside the square root. */
  epsilon: number;
}

export interface ModelConfig {
  /** 'mlp': 784-100-100-100-10 with ReLU (the BN paper's MNIST network's shape; it used sigmoid units); 'conv': a small convolutional network. */
  architecture: Architecture;
  /** Hidden widths of the mlp (three layers of 100 in the BN paper). */
  hidden: number[];
  normalization: Normalization;
  /** `gn`: the groups of channels in every normalized layer (`ln` is one group). Defaults to 4. */
  groups?: number;
  /** Normalize over groups of this many examples (null: the whole minibatch). */
  microbatchSize: number | null;
  normLayer: NormLayerConfig;
  /** Image side and classes: 28 and 10 for MNIST. */
  imageSize: number;
  /** Image width where images are not square (mnist-triples: 14 high, 42 wide); the MLP only. */
  imageWidth?: number;
  classes: number;
}

/** Pixels of one flat input image. */
export function inputPixels(cfg: Pick<ModelConfig, 'imageSize' | 'imageWidth'>): number {
  return cfg.imageSize * (cfg.imageWidth ?? cfg.imageSize);
}

function normalizationLayer(cfg: ModelConfig, name: string): tf.layers.Layer | null {
  const common = { ...cfg.normLayer, name };
  switch (cfg.normalization) {
    case 'none':
      return null;
    case 'bn':
      return new VarianceTrackingRenormalization({ ...common, rmax: 1, dmax: 0, microbatchSize: cfg.microbatchSize });
    case 'bn-tfjs':
      if (cfg.microbatchSize !== null) {
        throw new Error(
          `Normalization 'bn-tfjs' (tf.layers.batchNormalization) cannot normalize over microbatches (microbatchSize ${cfg.microbatchSize}); use 'bn'`,
        );
      }
      return tf.layers.batchNormalization(common);
    case 'brn':
      return new VarianceTrackingRenormalization({ ...common, microbatchSize: cfg.microbatchSize });
    case 'gn':
    case 'ln':
      return new GroupNormalization({
        groups: cfg.normalization === 'ln' ? 1 : (cfg.groups ?? 4),
        epsilon: cfg.normLayer.epsilon,
        name,
      });
    default:
      throw new Error(
        `Unknown normalization '${cfg.normalization as string}': expected one of ${NORMALIZATIONS.join(', ')}`,
      );
  }
}

/**
 * Builds the model for `cfg`, with initializers seeded from `seed`. Inputs are
 * flat images [batch, imageSize²] scaled to [0, 1]; outputs are logits.
 */
export function buildModel(cfg: ModelConfig, seed: number): tf.Sequential {
  if (!(NORMALIZATIONS as readonly string[]).includes(cfg.normalization)) {
    throw new Error(`Unknown normalization '${cfg.normalization}': expected one of ${NORMALIZATIONS.join(', ')}`);
  }
  let layerSeed = seed * 1_000;
  const kernel = () => tf.initializers.glorotUniform({ seed: layerSeed++ });
  const normalized = cfg.normalization !== 'none';
  const model = tf.sequential();
  if (cfg.architecture === 'conv' && cfg.imageWidth !== undefined && cfg.imageWidth !== cfg.imageSize)
    throw new Error(
      `the conv model takes square images; these are ${cfg.imageSize}x${cfg.imageWidth} (train the mlp on them)`,
    );
  const inputShape = [inputPixels(cfg)];
  const addNormalized = (linear: tf.layers.Layer, index: number) => {
    model.add(linear);
    const norm = normalizationLayer(cfg, `norm${index}`);
    if (norm !== null) model.add(norm);
    model.add(tf.layers.activation({ activation: 'relu' }));
  };
  if (cfg.architecture === 'mlp') {
    cfg.hidden.forEach((units, i) => {
      addNormalized(
        denseLayer({
          units,
          useBias: !normalized,
          kernelInitializer: kernel(),
          name: `dense${i + 1}`,
          ...(i === 0 ? { inputShape } : {}),
        }),
        i + 1,
      );
    });
  } else if (cfg.architecture === 'conv') {
    const side = cfg.imageSize;
    model.add(tf.layers.reshape({ targetShape: [side, side, 1], inputShape }));
    addNormalized(
      conv2dLayer({ filters: 16, kernelSize: 5, useBias: !normalized, kernelInitializer: kernel(), name: 'conv1' }),
      1,
    );
    model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
    addNormalized(
      conv2dLayer({ filters: 32, kernelSize: 5, useBias: !normalized, kernelInitializer: kernel(), name: 'conv2' }),
      2,
    );
    model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
    model.add(tf.layers.flatten());
    addNormalized(denseLayer({ units: 100, useBias: !normalized, kernelInitializer: kernel(), name: 'dense1' }), 3);
  } else {
    throw new Error(
      `Unknown architecture '${cfg.architecture as string}': expected one of ${ARCHITECTURES.join(', ')}`,
    );
  }
  model.add(denseLayer({ units: cfg.classes, kernelInitializer: kernel(), name: 'logits' }));
  return model;
}
