/**
 * The rmax/dmax ramp of Batch Renormalization as pure functions of the
 * training step (Ioffe 2017, section 4 "Results", practical settings).
 */
import { tf } from '../tf';
import { validateClip, type RenormClip } from './ops';
import { BatchRenormalization } from './layer';

/** A ramp of the clipping limits: plain batchnorm first, then rmax and dmax relaxed linearly. */
export interface RenormRamp {
  /** Steps of plain batchnorm (rmax = 1, dmax = 0) before relaxing begins. */
  warmupSteps: number;
  /** Final rmax, reached at `rmaxSteps`. */
  rmax: number;
  /** Step at which rmax reaches its final value. */
  rmaxSteps: number;
  /** Final dmax, reached at `dmaxSteps`. */
  dmax: number;
  /** Step at which dmax reaches its final value. */
  dmaxSteps: number;
}

/**
 * The paper's ramp (section 4): rmax = 1, dmax = 0 for the first 5,000 steps,
 * then "gradually relaxed" to rmax = 3 at 40,000 steps and dmax = 5 at 25,000
 * steps. The paper does not give the shape of the relaxation; linear is this
 * kit's choice (and the common reading).
 */
export const PAPER_RAMP: Readonly<RenormRamp> = Object.freeze({
  warmupSteps: 5_000,
  rmax: 3,
  rmaxSteps: 40_000,
  dmax: 5,
  dmaxSteps: 25_000,
});

/** Throws unless `ramp` is a well-formed ramp. */
export function validateRamp(ramp: RenormRamp): void {
  const { warmupSteps, rmaxSteps, dmaxSteps } = ramp;
  for (const [name, v] of Object.entries({ warmupSteps, rmaxSteps, dmaxSteps })) {
    if (!Number.isFinite(v) || v < 0) throw new Error(`ramp: ${name} must be a finite number >= 0, got ${v}`);
  }
  if (rmaxSteps < warmupSteps) throw new Error(`ramp: rmaxSteps (${rmaxSteps}) must be >= warmupSteps (${warmupSteps})`);
  if (dmaxSteps < warmupSteps) throw new Error(`ramp: dmaxSteps (${dmaxSteps}) must be >= warmupSteps (${warmupSteps})`);
  validateClip({ rmax: ramp.rmax, dmax: ramp.dmax }, 'ramp');
}

/**
 * A ramp with every step count multiplied by `factor` (for quick runs that
 * keep the shape of the schedule relative to the run's length).
 */
export function scaleRamp(ramp: RenormRamp, factor: number): RenormRamp {
  if (!Number.isFinite(factor) || factor <= 0) throw new Error(`scaleRamp: factor must be a finite number > 0, got ${factor}`);
  return {
    ...ramp,
    warmupSteps: Math.round(ramp.warmupSteps * factor),
    rmaxSteps: Math.round(ramp.rmaxSteps * factor),
    dmaxSteps: Math.round(ramp.dmaxSteps * factor),
  };
}

function linear(step: number, start: number, end: number, from: number, to: number): number {
  if (step <= start) return from;
  if (step >= end) return to;
  return from + ((to - from) * (step - start)) / (end - start);
}

/**
 * The clipping limits in force at `step` (0-based) under `ramp`:
 *
 * 1. step < warmupSteps: rmax = 1, dmax = 0 (batchnorm);
 * 2. warmupSteps ≤ step < rmaxSteps (dmaxSteps): linear from 1 (0) to the final value;
 * 3. afterwards: the final rmax (dmax).
 */
export function renormClipAt(step: number, ramp: RenormRamp = PAPER_RAMP): RenormClip {
  if (!Number.isFinite(step) || step < 0) throw new Error(`renormClipAt: step must be a finite number >= 0, got ${step}`);
  validateRamp(ramp);
  return {
    rmax: linear(step, ramp.warmupSteps, ramp.rmaxSteps, 1, ramp.rmax),
    dmax: linear(step, ramp.warmupSteps, ramp.dmaxSteps, 0, ramp.dmax),
  };
}

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

/** Sets every renorm layer of `model` to the clipping of `step`. */
export function applyRenormClip(model: tf.LayersModel, step: number, ramp: RenormRamp = PAPER_RAMP): RenormClip {
  const clip = renormClipAt(step, ramp);
  for (const layer of renormLayers(model)) layer.setClipping(clip);
  return clip;
}

/**
 * A `model.fit` callback that sets every renorm layer from the ramp before
 * each batch. Steps count batches across epochs, starting at `initialStep`.
 *
 *     model.fit(x, y, { callbacks: [new RenormRampCallback(PAPER_RAMP)] })
 */
export class RenormRampCallback extends tf.Callback {
  private step: number;

  constructor(
    private readonly ramp: RenormRamp = PAPER_RAMP,
    initialStep = 0,
  ) {
    super();
    validateRamp(ramp);
    this.step = initialStep;
  }

  override async onBatchBegin(): Promise<void> {
    applyRenormClip(this.model as tf.LayersModel, this.step, this.ramp);
  }

  override async onBatchEnd(): Promise<void> {
    this.step++;
  }
}
