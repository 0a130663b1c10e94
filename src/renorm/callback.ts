/**
 * Applying the ramp to a model's renorm layers: finding them, setting their
 * clipping for a step, and the `model.fit` callback that does it every batch.
 */
import { tf } from '../tf';
import type { RenormClip } from './clip';
import { BatchRenormalization } from './layer';
import { PAPER_RAMP, renormClipAt, validateRamp, type RenormRamp } from './schedule';

/** Every `BatchRenormalization` layer inside `model`, in order (nested models included). */
export function renormLayers(model: tf.LayersModel): BatchRenormalization[] {
  const found: BatchRenormalization[] = [];
  const visit = (layers: tf.layers.Layer[]) => {
    for (const layer of layers) {
      if (layer instanceof BatchRenormalization) found.push(layer);
      else if (layer instanceof tf.LayersModel) visit(layer.layers);
    }
  };
  visit(model.layers);
  return found;
}

/** Sets each of `layers` to `clip` (e.g. `renormClipAt(step, ramp)`) for their next training call. */
export function applyRenormClip(layers: BatchRenormalization[], clip: RenormClip): void {
  for (const layer of layers) layer.setClipping(clip);
}

/**
 * A `model.fit` callback that sets every renorm layer from the ramp before
 * each batch. Steps count the batches `fit` has run across epochs (the
 * callback keeps the count), starting at `initialStep` (to continue a run).
 *
 *     model.fit(x, y, { callbacks: [new RenormRampCallback(PAPER_RAMP)] })
 */
export class RenormRampCallback extends tf.Callback {
  private batchesSeen: number;

  constructor(
    private readonly ramp: RenormRamp = PAPER_RAMP,
    initialStep = 0,
  ) {
    super();
    validateRamp(ramp);
    this.batchesSeen = initialStep;
  }

  /** The step whose clipping the next batch gets. */
  get step(): number {
    return this.batchesSeen;
  }

  override async onBatchBegin(): Promise<void> {
    applyRenormClip(renormLayers(this.model as tf.LayersModel), renormClipAt(this.batchesSeen, this.ramp));
  }

  override async onBatchEnd(): Promise<void> {
    this.batchesSeen++;
  }
}
