/**
 * Row-wise L2 normalisation of the protocol, in float64:
 * x / (‖x‖ + 1e-5) (fair_self_supervision_benchmark tools/svm/svm_helper.py
 * `normalize_features`: feats_norm = np.linalg.norm(features, axis=1); features / (feats_norm + 1e-5)).
 */
export const NORM_EPSILON = 1e-5;

export function l2NormalizeRows(
  data: Float32Array | Float64Array,
  rows: number,
  cols: number,
  out: Float64Array = new Float64Array(rows * cols),
): Float64Array {
  for (let r = 0; r < rows; r++) {
    const offset = r * cols;
    let sum = 0;
    for (let k = 0; k < cols; k++) sum += data[offset + k] * data[offset + k];
    const scale = 1 / (Math.sqrt(sum) + NORM_EPSILON);
    for (let k = 0; k < cols; k++) out[offset + k] = data[offset + k] * scale;
  }
  return out;
}

/** Row and column of the first NaN or infinite value, if any. */
export function findNonFinite(data: ArrayLike<number>, cols: number): { row: number; col: number } | undefined {
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) return { row: Math.floor(i / cols), col: i % cols };
  }
  return undefined;
}
