/**
 * The experiments' MLP trained through the fused kernels (`src/kernels`): the
 * same network, initialization, normalization, loss and RMSProp as
 * `LayersTrainer`, with the backward pass written out instead of taped. A step
 * is eleven matrix products (`matMulOp`: on wasm the kit's kernel, which packs
 * no operand and reads xᵀ by strides; the same bits as `tf.matMul`), three
 * weight transposes and about ten fused launches, where the layers path takes
 * a few hundred small ops; on wasm that is most of the step's cost.
 *
 * Layer names and the seeded initializers follow `buildModel`, so both
 * trainers start from the same weights and the tests can hold one to the other.
 */
import { matMulOp, softmaxCrossEntropyOp } from '../kernels';
import { inputPixels, type ModelConfig } from '../models';
import type { OptimizerConfig } from '../protocol/config';
import { tf } from '../tf';
import { addBlock, blockBackward, blockEval, blockTrain, type Block, type Saved } from './fused-blocks';
import { FusedTrainer, type EvalMode, type StepResult } from './fused-trainer';

/** Normalizations the fused path trains: BN is BRN at rmax 1, dmax 0, as in `buildModel`. */
export const FUSED_NORMALIZATIONS = ['none', 'bn', 'brn', 'gn', 'ln'] as const;

export class FusedMlpTrainer extends FusedTrainer {
  protected readonly blocks: Block[];
  private readonly kernels: string[];

  constructor(model: ModelConfig, seed: number, optimizer: OptimizerConfig, emaDecay: number) {
    super(model, optimizer, emaDecay);
    if (model.architecture !== 'mlp' || !(FUSED_NORMALIZATIONS as readonly string[]).includes(model.normalization)) {
      throw new Error(
        `FusedMlpTrainer trains the mlp with ${FUSED_NORMALIZATIONS.join(', ')}, got ${model.architecture} with ${model.normalization}`,
      );
    }
    const { kind, groups } = this.settings;
    let layerSeed = seed * 1_000;
    let fanIn = inputPixels(model);
    this.blocks = [];
    this.kernels = [];
    model.hidden.forEach((units, i) => {
      const kernel = `dense${i + 1}/kernel`;
      this.values.addParam(kernel, tf.initializers.glorotUniform({ seed: layerSeed++ }).apply([fanIn, units]));
      const block: Block = {
        name: kind === 'bias' ? `dense${i + 1}` : `norm${i + 1}`,
        kind,
        channels: units,
        rows: 1,
        groups,
      };
      addBlock(this.values, block);
      this.blocks.push(block);
      this.kernels.push(kernel);
      fanIn = units;
    });
    this.values.addParam(
      'logits/kernel',
      tf.initializers.glorotUniform({ seed: layerSeed++ }).apply([fanIn, model.classes]),
    );
    this.values.addParam('logits/bias', tf.zeros([model.classes]));
    this.values.startAverage();
  }

  protected gradients(x: tf.Tensor, labels: tf.Tensor): StepResult {
    const values = this.values.current;
    const p = (name: string) => this.values.param(name);
    // Forward, keeping what the backward pass needs.
    const saved: { input: tf.Tensor; saved: Saved }[] = [];
    const moving: tf.Tensor[] = [];
    let a = x;
    this.blocks.forEach((block, l) => {
      const h = matMulOp(a, p(this.kernels[l]));
      const f = blockTrain(block, h, values, this.settings, this.lastClip);
      saved.push({ input: a, saved: f.saved });
      moving.push(...f.moving);
      a = f.y;
    });
    const [dz, dbLogits, tally] = softmaxCrossEntropyOp(matMulOp(a, p('logits/kernel')), p('logits/bias'), labels);
    // Backward, written out (∂ℓ/∂W = inputᵀ·∂ℓ/∂h).
    const grads = new Map<string, tf.Tensor>([
      ['logits/kernel', matMulOp(a, dz, true)],
      ['logits/bias', dbLogits],
    ]);
    let da = matMulOp(dz, tf.transpose(p('logits/kernel')));
    for (let l = this.blocks.length - 1; l >= 0; l--) {
      const { dh, grads: blockGrads } = blockBackward(this.blocks[l], da, saved[l].saved, values, this.settings);
      for (const [name, g] of blockGrads) grads.set(name, g);
      grads.set(this.kernels[l], matMulOp(saved[l].input, dh, true));
      if (l > 0) da = matMulOp(dh, tf.transpose(p(this.kernels[l])));
    }
    const stats = saved.flatMap((s, l) => (this.blocks[l].kind === 'renorm' ? [s.saved.stats!] : []));
    return { grads, moving, stats, tally };
  }

  protected logits(x: tf.Tensor, mode: EvalMode): tf.Tensor {
    const param = (name: string) => mode.values.params.get(name)!;
    let a = x;
    this.blocks.forEach((block, l) => {
      a = blockEval(block, tf.matMul(a, param(this.kernels[l])), mode.values, this.settings, this.lastClip, mode);
    });
    return tf.add(tf.matMul(a, param('logits/kernel')), param('logits/bias'));
  }
}
