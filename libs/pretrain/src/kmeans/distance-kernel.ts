/**
 * The hot loops of k-means: squared Euclidean distances between rows of `x` and centroids,
 * computed as ‖x‖² − 2·x·c + ‖c‖². The dot products run over float32 inputs with float64
 * accumulators in a 4-row × 4-centroid register tile: each loaded value is used four times,
 * which is what makes plain JS reach ~3 G multiply-adds/s per core here (a 1×1 loop reaches ~0.9).
 *
 * Determinism: every dot product x_i·c_j is one float64 accumulator summed over t = 0..d−1 in
 * order, whichever kernel (tile or edge loop) computes it and whichever row range a thread owns.
 * So labels and distances are bit-identical for any thread count or row partition.
 *
 * These functions only read and write typed arrays (shared between worker threads), so a
 * worker and the main thread run exactly the same code.
 */

/** The typed arrays one assignment pass reads and writes; all may live on SharedArrayBuffers. */
export interface KernelArrays {
  /** n × d row-major features. */
  x: Float32Array;
  /** ‖x_i‖², length n. */
  xNorm: Float64Array;
  /** k × d row-major centroids (room for kMax rows). */
  centroids: Float32Array;
  /** ‖c_j‖², length ≥ k. */
  cNorm: Float64Array;
  /** Output: nearest centroid per row. */
  labels: Int32Array;
  /** Output: squared distance to the nearest centroid (clamped at 0), per row. */
  minDist: Float64Array;
}

/** ‖row‖² in float64, for rows [r0, r1) of an n × d matrix. */
export function rowNorms(m: Float32Array, d: number, r0: number, r1: number, out: Float64Array): void {
  for (let i = r0; i < r1; i++) {
    const o = i * d;
    let s = 0;
    for (let t = 0; t < d; t++) {
      const v = m[o + t];
      s += v * v;
    }
    out[i] = s;
  }
}

/**
 * Nearest centroid for rows [r0, r1). Writes labels and minDist for those rows and returns
 * how many labels changed. Ties go to the lower centroid index.
 */
export function assignRows(a: KernelArrays, d: number, k: number, r0: number, r1: number): number {
  const { x, xNorm, centroids: c, cNorm, labels, minDist } = a;
  // Centroid blocks of 32 (256 KiB at d = 2048) stay in L2 while 4-row tiles stream past them.
  const C_BLOCK = 32;
  const best = new Float64Array(r1 - r0).fill(Infinity);
  const bestJ = new Int32Array(r1 - r0).fill(-1);
  const consider = (i: number, j: number, dot: number): void => {
    const dist = xNorm[i] - 2 * dot + cNorm[j];
    const li = i - r0;
    if (dist < best[li]) { best[li] = dist; bestJ[li] = j; }
  };
  // Centroid blocks in increasing order, centroids in increasing order within a block,
  // and a strict "<" comparison: ties keep the lowest index.
  for (let j0 = 0; j0 < k; j0 += C_BLOCK) {
    const j1 = Math.min(k, j0 + C_BLOCK);
    const jTiles = j0 + (((j1 - j0) >> 2) << 2);
    let i = r0;
    for (; i + 4 <= r1; i += 4) {
      const a0 = i * d, a1 = a0 + d, a2 = a1 + d, a3 = a2 + d;
      let j = j0;
      for (; j < jTiles; j += 4) {
        const b0 = j * d, b1 = b0 + d, b2 = b1 + d, b3 = b2 + d;
        let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
        let s20 = 0, s21 = 0, s22 = 0, s23 = 0, s30 = 0, s31 = 0, s32 = 0, s33 = 0;
        for (let t = 0; t < d; t++) {
          const c0 = c[b0 + t], c1 = c[b1 + t], c2 = c[b2 + t], c3 = c[b3 + t];
          let v = x[a0 + t];
          s00 += v * c0; s01 += v * c1; s02 += v * c2; s03 += v * c3;
          v = x[a1 + t];
          s10 += v * c0; s11 += v * c1; s12 += v * c2; s13 += v * c3;
          v = x[a2 + t];
          s20 += v * c0; s21 += v * c1; s22 += v * c2; s23 += v * c3;
          v = x[a3 + t];
          s30 += v * c0; s31 += v * c1; s32 += v * c2; s33 += v * c3;
        }
        consider(i, j, s00); consider(i, j + 1, s01); consider(i, j + 2, s02); consider(i, j + 3, s03);
        consider(i + 1, j, s10); consider(i + 1, j + 1, s11); consider(i + 1, j + 2, s12); consider(i + 1, j + 3, s13);
        consider(i + 2, j, s20); consider(i + 2, j + 1, s21); consider(i + 2, j + 2, s22); consider(i + 2, j + 3, s23);
        consider(i + 3, j, s30); consider(i + 3, j + 1, s31); consider(i + 3, j + 2, s32); consider(i + 3, j + 3, s33);
      }
      // Leftover centroids of this block, one at a time (same summation order).
      for (; j < j1; j++) {
        for (let r = 0; r < 4; r++) consider(i + r, j, dot(x, (i + r) * d, c, j * d, d));
      }
    }
    // Leftover rows (fewer than 4), one at a time.
    for (; i < r1; i++) {
      for (let j = j0; j < j1; j++) consider(i, j, dot(x, i * d, c, j * d, d));
    }
  }
  let changed = 0;
  for (let i = r0; i < r1; i++) {
    const li = i - r0;
    if (labels[i] !== bestJ[li]) { labels[i] = bestJ[li]; changed++; }
    // The expansion can go slightly negative by cancellation; a squared distance cannot.
    minDist[i] = best[li] > 0 ? best[li] : 0;
  }
  return changed;
}

/**
 * k-means++ step: minDist[i] = min(minDist[i], ‖x_i − c_j‖²) for rows [r0, r1), for the one
 * centroid j just chosen. Four rows per pass over c_j so c_j is loaded once per four rows.
 */
export function updateMinDistToCentroid(a: KernelArrays, d: number, j: number, r0: number, r1: number): void {
  const { x, xNorm, centroids: c, cNorm, minDist } = a;
  const b = j * d;
  const cn = cNorm[j];
  const update = (i: number, s: number): void => {
    let dist = xNorm[i] - 2 * s + cn;
    if (dist < 0) dist = 0;
    if (dist < minDist[i]) minDist[i] = dist;
  };
  let i = r0;
  for (; i + 4 <= r1; i += 4) {
    const a0 = i * d, a1 = a0 + d, a2 = a1 + d, a3 = a2 + d;
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (let t = 0; t < d; t++) {
      const v = c[b + t];
      s0 += x[a0 + t] * v; s1 += x[a1 + t] * v; s2 += x[a2 + t] * v; s3 += x[a3 + t] * v;
    }
    update(i, s0); update(i + 1, s1); update(i + 2, s2); update(i + 3, s3);
  }
  for (; i < r1; i++) update(i, dot(x, i * d, c, b, d));
}

/** One float64 dot product, summed in index order (the order every tile uses too). */
function dot(x: Float32Array, xo: number, c: Float32Array, co: number, d: number): number {
  let s = 0;
  for (let t = 0; t < d; t++) s += x[xo + t] * c[co + t];
  return s;
}
