/**
 * What a renorm layer remembers of its last training call, and the summary of
 * it that the experiments log: how much of r and d the clip changed.
 */
import { tf } from '../tf';
import type { RenormClip } from './clip';

/** What the last training call's r and d looked like, for logging. */
export interface RenormDiagnostics {
  /** The clipping in force for that call. */
  rmax: number;
  dmax: number;
  /** Fraction of r values (features × groups) that the clip changed. */
  rClippedFraction: number;
  /** Fraction of d values that the clip changed. */
  dClippedFraction: number;
  /** Mean |r − 1| after clipping. */
  meanAbsRMinus1: number;
  /** Mean |d| after clipping. */
  meanAbsD: number;
  /** Extremes of the unclipped r = σ_B/σ and d = (μ_B − μ)/σ. */
  maxUnclippedR: number;
  minUnclippedR: number;
  maxAbsUnclippedD: number;
}

/** r and d, clipped and unclipped, as flat (features × groups) arrays. */
export interface RenormValues {
  r: ArrayLike<number>;
  d: ArrayLike<number>;
  rUnclipped: ArrayLike<number>;
  dUnclipped: ArrayLike<number>;
}

/** The summary of one call's r and d under `clip`. */
export function summarizeCorrection(values: RenormValues, clip: RenormClip): RenormDiagnostics {
  const { r, d, rUnclipped, dUnclipped } = values;
  let rClipped = 0;
  let dClipped = 0;
  let absR = 0;
  let absD = 0;
  let maxR = -Infinity;
  let minR = Infinity;
  let maxD = 0;
  for (let i = 0; i < r.length; i++) {
    if (r[i] !== rUnclipped[i]) rClipped++;
    if (d[i] !== dUnclipped[i]) dClipped++;
    absR += Math.abs(r[i] - 1);
    absD += Math.abs(d[i]);
    maxR = Math.max(maxR, rUnclipped[i]);
    minR = Math.min(minR, rUnclipped[i]);
    maxD = Math.max(maxD, Math.abs(dUnclipped[i]));
  }
  const n = r.length;
  return {
    rmax: clip.rmax,
    dmax: clip.dmax,
    rClippedFraction: rClipped / n,
    dClippedFraction: dClipped / n,
    meanAbsRMinus1: absR / n,
    meanAbsD: absD / n,
    maxUnclippedR: maxR,
    minUnclippedR: minR,
    maxAbsUnclippedD: maxD,
  };
}

/** The tensors of the last training call's r and d, kept until the next call replaces them. */
export class CorrectionRecord {
  private kept: { r: tf.Tensor; d: tf.Tensor; rUnclipped: tf.Tensor; dUnclipped: tf.Tensor; clip: RenormClip } | null =
    null;

  keep(c: { r: tf.Tensor; d: tf.Tensor; rUnclipped: tf.Tensor; dUnclipped: tf.Tensor }, clip: RenormClip): void {
    this.dispose();
    this.kept = {
      r: tf.keep(c.r),
      d: tf.keep(c.d),
      rUnclipped: tf.keep(c.rUnclipped),
      dUnclipped: tf.keep(c.dUnclipped),
      clip: { ...clip },
    };
  }

  values(): { r: Float32Array; d: Float32Array; rUnclipped: Float32Array; dUnclipped: Float32Array } | null {
    const c = this.kept;
    if (c === null) return null;
    const read = (t: tf.Tensor) => t.dataSync() as Float32Array;
    return { r: read(c.r), d: read(c.d), rUnclipped: read(c.rUnclipped), dUnclipped: read(c.dUnclipped) };
  }

  diagnostics(): RenormDiagnostics | null {
    const values = this.values();
    return values === null ? null : summarizeCorrection(values, this.kept!.clip);
  }

  dispose(): void {
    if (this.kept === null) return;
    const { r, d, rUnclipped, dUnclipped } = this.kept;
    tf.dispose([r, d, rUnclipped, dUnclipped]);
    this.kept = null;
  }
}
