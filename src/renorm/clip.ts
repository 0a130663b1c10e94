/**
 * The clipping limits of Batch Renormalization and the one place r and d are
 * clipped. Pure: no tensors, so configs and schedules can use it without
 * loading tfjs or the layer.
 */

/** Clipping limits for r and d. */
export interface RenormClip {
  /** r is clipped to [1/rmax, rmax]; rmax = 1 forces r = 1. */
  rmax: number;
  /** d is clipped to [−dmax, dmax]; dmax = 0 forces d = 0. */
  dmax: number;
}

/** Throws unless `clip` holds finite limits with rmax ≥ 1 and dmax ≥ 0. */
export function validateClip(clip: RenormClip, where = 'clipping'): void {
  const { rmax, dmax } = clip;
  if (typeof rmax !== 'number' || !Number.isFinite(rmax) || rmax < 1) {
    throw new Error(`${where}: rmax must be a finite number >= 1, got ${rmax}`);
  }
  if (typeof dmax !== 'number' || !Number.isFinite(dmax) || dmax < 0) {
    throw new Error(`${where}: dmax must be a finite number >= 0, got ${dmax}`);
  }
}

/** The interval r is clipped to, [1/rmax, rmax], and the one d is clipped to, [−dmax, dmax]. */
export function clipBounds(clip: RenormClip): { rLow: number; rHigh: number; dLow: number; dHigh: number } {
  return { rLow: 1 / clip.rmax, rHigh: clip.rmax, dLow: -clip.dmax, dHigh: clip.dmax };
}
