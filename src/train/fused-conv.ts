/**
 * The experiments' conv model (`buildModel`'s 'conv': 5×5×16 'same',
 * normalization + ReLU, max-pool 2, 5×5×32, normalization + ReLU, max-pool 2,
 * dense 100, normalization + ReLU, dense 10) trained through fused kernels,
 * the backward pass written out: no tape, a few dozen launches a step.
 *
 * Where the time goes, and why each piece is what it is (measured on wasm,
 * `make bench` prints the per-kernel table):
 * - the convolutions forward, conv2's input gradient and both weight
 *   gradients are the kit's SIMD kernels (`convSameOp`, `convSameFilterOp`,
 *   `kernels/conv-gemm.ts`): the input copied once into a zero-framed
 *   layout, each output's taps read from it through a table, no patch
 *   matrix, no `tf.pad` or `tf.transpose` (tfjs's conv2d repacks its operands
 *   at every call, and its weight gradient needed three transposes and a pad);
 * - normalization + ReLU is one kernel per layer over [N·H·W, C] rows
 *   (BN/BRN pool each channel over the examples of a (micro)batch and every
 *   position; GN over each example's positions and group of channels);
 * - max-pooling remembers its argmax, so its backward is one scatter;
 * - the dense layers' products are `matMulOp` (no packing, ∂ℓ/∂W from the
 *   rows by strides; the same bits as `tf.matMul`).
 *
 * Names and seeded initializers follow `buildModel`, so this trainer and
 * `LayersTrainer` start from the same weights (the tests hold one to the other).
 */
import {
  convSameFilterOp,
  convSameOp,
  matMulOp,
  maxPool2BackwardOp,
  maxPool2Op,
  softmaxCrossEntropyOp,
} from '../kernels';
import type { ModelConfig } from '../models';
import type { OptimizerConfig } from '../protocol/config';
import { tf } from '../tf';
import { addBlock, blockBackward, blockEval, blockTrain, type Block } from './fused-blocks';
import { FusedTrainer, type EvalMode, type StepResult } from './fused-trainer';

const K = 5;

/** The conv layers: name, input channels, output channels, and the side of their (square) input. */
interface ConvLayer {
  kernel: string;
  cin: number;
  cout: number;
  side: number;
}

export class FusedConvTrainer extends FusedTrainer {
  protected readonly blocks: Block[];
  private readonly convs: ConvLayer[];
  private readonly flat: number;

  constructor(model: ModelConfig, seed: number, optimizer: OptimizerConfig, emaDecay: number) {
    super(model, optimizer, emaDecay);
    if (model.architecture !== 'conv')
      throw new Error(`FusedConvTrainer trains the conv model, got ${model.architecture}`);
    const side = model.imageSize;
    if (model.imageWidth !== undefined && model.imageWidth !== side)
      throw new Error(
        `the conv model takes square images; these are ${side}x${model.imageWidth} (train the mlp on them)`,
      );
    if (side % 4 !== 0)
      throw new Error(`FusedConvTrainer: the image side must be a multiple of 4 (two 2×2 poolings), got ${side}`);
    const { kind, groups } = this.settings;
    let layerSeed = seed * 1_000;
    const init = (shape: number[]) => tf.initializers.glorotUniform({ seed: layerSeed++ }).apply(shape);
    this.convs = [
      { kernel: 'conv1/kernel', cin: 1, cout: 16, side },
      { kernel: 'conv2/kernel', cin: 16, cout: 32, side: side / 2 },
    ];
    this.flat = (side / 4) * (side / 4) * 32;
    const name = (linear: string, index: number) => (kind === 'bias' ? linear : `norm${index}`);
    this.blocks = [
      { name: name('conv1', 1), kind, channels: 16, rows: side * side, groups },
      { name: name('conv2', 2), kind, channels: 32, rows: (side / 2) * (side / 2), groups },
      { name: name('dense1', 3), kind, channels: 100, rows: 1, groups },
    ];
    // In buildModel's order: each linear layer's weights, then its normalization's.
    this.convs.forEach((c, i) => {
      this.values.addParam(c.kernel, init([K, K, c.cin, c.cout]));
      addBlock(this.values, this.blocks[i]);
    });
    this.values.addParam('dense1/kernel', init([this.flat, 100]));
    addBlock(this.values, this.blocks[2]);
    this.values.addParam('logits/kernel', init([100, model.classes]));
    this.values.addParam('logits/bias', tf.zeros([model.classes]));
    this.values.startAverage();
  }

  /** The 'same' convolution of the layer's input [N, s, s, cin] with its kernel, as rows [N·s·s, cout]. */
  private conv(layer: ConvLayer, input: tf.Tensor, kernel: tf.Tensor): tf.Tensor {
    return tf.reshape(convSameOp(input, kernel), [-1, layer.cout]);
  }

  protected gradients(x: tf.Tensor, labels: tf.Tensor): StepResult {
    const values = this.values.current;
    const p = (n: string) => this.values.param(n);
    const [c1, c2] = this.convs;
    const [b1, b2, b3] = this.blocks;
    const train = (block: Block, h: tf.Tensor) => blockTrain(block, h, values, this.settings, this.lastClip);
    const n = x.shape[0];
    // Forward.
    const x4 = tf.reshape(x, [n, c1.side, c1.side, 1]);
    const f1 = train(b1, this.conv(c1, x4, p(c1.kernel)));
    const [p1, where1] = maxPool2Op(tf.reshape(f1.y, [n, c1.side, c1.side, c1.cout]), false);
    const f2 = train(b2, this.conv(c2, p1, p(c2.kernel)));
    const [p2, where2] = maxPool2Op(tf.reshape(f2.y, [n, c2.side, c2.side, c2.cout]), false);
    const flat2 = tf.reshape(p2, [n, this.flat]);
    const f3 = train(b3, matMulOp(flat2, p('dense1/kernel')));
    const [dz, dbLogits, tally] = softmaxCrossEntropyOp(matMulOp(f3.y, p('logits/kernel')), p('logits/bias'), labels);
    // Backward.
    const grads = new Map<string, tf.Tensor>([
      ['logits/kernel', matMulOp(f3.y, dz, true)],
      ['logits/bias', dbLogits],
    ]);
    const back = (block: Block, dy: tf.Tensor, saved: typeof f1.saved) => {
      const r = blockBackward(block, dy, saved, values, this.settings);
      for (const [name, g] of r.grads) grads.set(name, g);
      return r.dh;
    };
    const dh3 = back(b3, matMulOp(dz, tf.transpose(p('logits/kernel'))), f3.saved);
    grads.set('dense1/kernel', matMulOp(flat2, dh3, true));
    const dp2 = tf.reshape(matMulOp(dh3, tf.transpose(p('dense1/kernel'))), p2.shape);
    const dh2 = back(b2, tf.reshape(maxPool2BackwardOp(dp2, where2), [-1, c2.cout]), f2.saved);
    const dh2Image = tf.reshape(dh2, [n, c2.side, c2.side, c2.cout]);
    grads.set(c2.kernel, convSameFilterOp(p1, dh2Image, K));
    const dp1 = convSameOp(dh2Image, p(c2.kernel), true);
    const dh1 = back(b1, tf.reshape(maxPool2BackwardOp(dp1, where1), [-1, c1.cout]), f1.saved);
    grads.set(c1.kernel, convSameFilterOp(x4, tf.reshape(dh1, [n, c1.side, c1.side, c1.cout]), K));
    const renorm = [f1, f2, f3].filter((_, i) => this.blocks[i].kind === 'renorm');
    return { grads, moving: renorm.flatMap((f) => f.moving), stats: renorm.map((f) => f.saved.stats!), tally };
  }

  protected logits(x: tf.Tensor, mode: EvalMode): tf.Tensor {
    const param = (name: string) => mode.values.params.get(name)!;
    const [c1, c2] = this.convs;
    const [b1, b2, b3] = this.blocks;
    const norm = (block: Block, h: tf.Tensor) => blockEval(block, h, mode.values, this.settings, this.lastClip, mode);
    const n = x.shape[0];
    const h1 = norm(b1, this.conv(c1, tf.reshape(x, [n, c1.side, c1.side, 1]), param(c1.kernel)));
    const [p1] = maxPool2Op(tf.reshape(h1, [n, c1.side, c1.side, c1.cout]), false);
    const h2 = norm(b2, this.conv(c2, p1, param(c2.kernel)));
    const [p2] = maxPool2Op(tf.reshape(h2, [n, c2.side, c2.side, c2.cout]), false);
    const h3 = norm(b3, tf.matMul(tf.reshape(p2, [n, this.flat]), param('dense1/kernel')));
    return tf.add(tf.matMul(h3, param('logits/kernel')), param('logits/bias'));
  }
}
