/**
 * How a GPU result is compared with the CPU result of the same weights and inputs (issue 15):
 * inference outputs within 1e-3 relative, a training step's loss (and gradient norm) within 1e-2.
 *
 * A tensor's error is relative to the reference's largest magnitude, not element-wise: ReLU
 * outputs are full of exact and near zeros, where an element-wise relative error means nothing.
 */

export const INFERENCE_TOLERANCE = 1e-3;
export const TRAINING_TOLERANCE = 1e-2;

export interface TensorParity {
  elements: number;
  maxAbsDiff: number;
  maxAbsReference: number;
  /** maxAbsDiff / maxAbsReference: what the tolerance applies to. */
  relMax: number;
  /** ‖a − r‖₂ / ‖r‖₂, for the record. */
  relL2: number;
  /** NaN or ±Inf elements in the result under test. */
  nonFinite: number;
  tolerance: number;
  pass: boolean;
}

export function compareTensors(actual: ArrayLike<number>, reference: ArrayLike<number>, tolerance = INFERENCE_TOLERANCE): TensorParity {
  if (actual.length !== reference.length) throw new Error(`compareTensors: ${actual.length} elements against ${reference.length}`);
  let maxAbsDiff = 0, maxAbsReference = 0, diff2 = 0, ref2 = 0, nonFinite = 0;
  for (let i = 0; i < reference.length; i++) {
    const a = actual[i], r = reference[i];
    if (!Number.isFinite(a)) {
      nonFinite++;
      continue;
    }
    const d = Math.abs(a - r);
    if (d > maxAbsDiff) maxAbsDiff = d;
    if (Math.abs(r) > maxAbsReference) maxAbsReference = Math.abs(r);
    diff2 += d * d;
    ref2 += r * r;
  }
  const relMax = maxAbsReference > 0 ? maxAbsDiff / maxAbsReference : maxAbsDiff;
  const relL2 = ref2 > 0 ? Math.sqrt(diff2 / ref2) : Math.sqrt(diff2);
  return { elements: reference.length, maxAbsDiff, maxAbsReference, relMax, relL2, nonFinite, tolerance, pass: nonFinite === 0 && relMax <= tolerance };
}

export interface ScalarParity {
  actual: number;
  reference: number;
  relDiff: number;
  tolerance: number;
  pass: boolean;
}

export function compareScalars(actual: number, reference: number, tolerance: number): ScalarParity {
  const relDiff = Math.abs(actual - reference) / Math.max(Math.abs(reference), Number.MIN_VALUE);
  return { actual, reference, relDiff, tolerance, pass: Number.isFinite(actual) && Number.isFinite(reference) && relDiff <= tolerance };
}

/** ‖g‖₂ over every gradient tensor together (what one training step's parity reports). */
export function globalNorm(arrays: Iterable<ArrayLike<number>>): number {
  let sum = 0;
  for (const values of arrays) for (let i = 0; i < values.length; i++) sum += values[i] * values[i];
  return Math.sqrt(sum);
}
