/**
 * A 2-D convolution ('same' padding, stride 1, odd square kernels) whose
 * gradients are built from forward `conv2d` calls only.
 *
 * Why: the wasm backend has no Conv2DBackpropFilter kernel, so
 * `tf.layers.conv2d` cannot be trained there. Both gradients of a stride-1
 * convolution are themselves convolutions:
 *
 *   ∂ℓ/∂x = conv2d(∂ℓ/∂y, flip(W) with in/out channels swapped, 'same')
 *   ∂ℓ/∂W[a,b,i,o] = Σ_{n,h,w} pad(x)[n,h+a,w+b,i]·∂ℓ/∂y[n,h,w,o]
 *                  = conv2d(pad(x) as [i, H+2p, W+2p, n], ∂ℓ/∂y as [H, W, n, o], 'valid')
 *
 * so this layer trains on every backend.
 */
import type { Initializer, LayerArgs, LayerVariable } from '../tf-types';
import { resolveInitializer, serializeInitializer, type InitializerLike } from '../initializers';
import { tf } from '../tf';

type Tensor = tf.Tensor;

const conv2dSameOp = tf.customGrad(((x: tf.Tensor4D, w: tf.Tensor4D, save: (t: Tensor[]) => void) => {
  save([x, w]);
  return {
    value: tf.conv2d(x, w, 1, 'same'),
    gradFunc: (dy: Tensor | Tensor[], saved: Tensor[]) => {
      const g = dy as tf.Tensor4D;
      const [xs, ws] = saved as [tf.Tensor4D, tf.Tensor4D];
      const k = ws.shape[0];
      const p = (k - 1) / 2;
      const flipped = tf.transpose(tf.reverse(ws, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D;
      const dx = tf.conv2d(g, flipped, 1, 'same');
      const padded = tf.pad(xs, [
        [0, 0],
        [p, p],
        [p, p],
        [0, 0],
      ]);
      const dw = tf.transpose(
        tf.conv2d(
          tf.transpose(padded, [3, 1, 2, 0]) as tf.Tensor4D,
          tf.transpose(g, [1, 2, 0, 3]) as tf.Tensor4D,
          1,
          'valid',
        ),
        [1, 2, 0, 3],
      );
      return [dx, dw];
    },
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]);

/** conv2d(x, w, stride 1, 'same') for an odd square kernel, with gradients from forward convolutions only. */
export function conv2dSame(x: tf.Tensor4D, w: tf.Tensor4D): tf.Tensor4D {
  const [kh, kw] = w.shape;
  if (kh !== kw || kh % 2 !== 1) throw new Error(`conv2dSame: the kernel must be square and odd, got ${kh}x${kw}`);
  return conv2dSameOp(x, w) as tf.Tensor4D;
}

export interface Conv2DLayerArgs extends LayerArgs {
  /** Output channels. */
  filters: number;
  /** Odd kernel side. */
  kernelSize: number;
  /** Whether to add a bias. Defaults to true. */
  useBias?: boolean;
  /** Kernel initializer. Defaults to glorotUniform (unseeded). */
  kernelInitializer?: InitializerLike;
}

/** A 'same', stride-1 Conv2D layer (NHWC) built on `conv2dSame`. */
export class Conv2DLayer extends tf.layers.Layer {
  /** @nocollapse */
  static className = 'BrnConv2D';
  readonly filters: number;
  readonly kernelSize: number;
  readonly useBias: boolean;
  private readonly kernelInitializer: Initializer;
  private kernel!: LayerVariable;
  private bias: LayerVariable | null = null;

  constructor(args: Conv2DLayerArgs) {
    super(args);
    this.filters = args.filters;
    this.kernelSize = args.kernelSize;
    this.useBias = args.useBias ?? true;
    this.kernelInitializer =
      args.kernelInitializer === undefined
        ? tf.initializers.glorotUniform({})
        : resolveInitializer(args.kernelInitializer, 'kernelInitializer');
    if (!Number.isInteger(this.filters) || this.filters < 1)
      throw new Error(`Conv2DLayer: filters must be a positive integer, got ${this.filters}`);
    if (!Number.isInteger(this.kernelSize) || this.kernelSize % 2 !== 1)
      throw new Error(`Conv2DLayer: kernelSize must be an odd integer, got ${this.kernelSize}`);
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const channels = shape[3];
    if (shape.length !== 4 || channels == null)
      throw new Error(`Conv2DLayer: expected NHWC inputs with known channels, got ${JSON.stringify(shape)}`);
    const k = this.kernelSize;
    this.kernel = this.addWeight(
      'kernel',
      [k, k, channels, this.filters],
      undefined,
      this.kernelInitializer,
      undefined,
      true,
    );
    if (this.useBias)
      this.bias = this.addWeight('bias', [this.filters], undefined, tf.initializers.zeros(), undefined, true);
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return [shape[0], shape[1], shape[2], this.filters];
  }

  override call(inputs: Tensor | Tensor[]): Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
      const y = conv2dSame(x, this.kernel.read() as tf.Tensor4D);
      return this.bias === null ? y : tf.add(y, this.bias.read());
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      filters: this.filters,
      kernelSize: this.kernelSize,
      useBias: this.useBias,
      kernelInitializer: serializeInitializer(this.kernelInitializer),
      ...super.getConfig(),
    };
  }
}
tf.serialization.registerClass(Conv2DLayer);

export function conv2dLayer(args: Conv2DLayerArgs): Conv2DLayer {
  return new Conv2DLayer(args);
}
