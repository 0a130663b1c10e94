/**
 * Schedules as pure functions of the training step: the rmax/dmax ramp of
 * Batch Renormalization (Ioffe 2017, section 4 "Results", practical settings)
 * and the experiments' staircase learning rate. No tensors, no layers: the
 * `model.fit` callback that applies the ramp is in `callback.ts`.
 */
import { validateClip, type RenormClip } from './clip';

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
  if (rmaxSteps < warmupSteps)
    throw new Error(`ramp: rmaxSteps (${rmaxSteps}) must be >= warmupSteps (${warmupSteps})`);
  if (dmaxSteps < warmupSteps)
    throw new Error(`ramp: dmaxSteps (${dmaxSteps}) must be >= warmupSteps (${warmupSteps})`);
  validateClip({ rmax: ramp.rmax, dmax: ramp.dmax }, 'ramp');
}

/**
 * A ramp with every step count multiplied by `factor` (for quick runs that
 * keep the shape of the schedule relative to the run's length).
 */
export function scaleRamp(ramp: RenormRamp, factor: number): RenormRamp {
  if (!Number.isFinite(factor) || factor <= 0)
    throw new Error(`scaleRamp: factor must be a finite number > 0, got ${factor}`);
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
  if (!Number.isFinite(step) || step < 0)
    throw new Error(`renormClipAt: step must be a finite number >= 0, got ${step}`);
  validateRamp(ramp);
  return {
    rmax: linear(step, ramp.warmupSteps, ramp.rmaxSteps, 1, ramp.rmax),
    dmax: linear(step, ramp.warmupSteps, ramp.dmaxSteps, 0, ramp.dmax),
  };
}

/** A learning rate decayed in steps: `learningRate · lrDecayFactor^⌊step / lrDecaySteps⌋`. */
export interface StaircaseRate {
  learningRate: number;
  lrDecayFactor: number;
  lrDecaySteps: number;
}

/** The learning rate in force at `step` (0-based) under `schedule`. */
export function learningRateAt(step: number, schedule: StaircaseRate): number {
  return schedule.learningRate * schedule.lrDecayFactor ** Math.floor(step / schedule.lrDecaySteps);
}
