/**
 * The Gram matrix K̃ = XXᵀ + 1 (the +1 is the bias feature) of row-major float64 rows,
 * computed in row blocks so that several workers can fill one shared matrix: each block
 * fills the upper triangle of its rows (j ≥ first row of the block), then `finishGram`
 * mirrors it and adds the bias once all blocks are done.
 *
 * The kernel is blocked for cache (a block of rows × a chunk of features stays in L2 while
 * all other rows stream past) and for registers (4 × 2 dot products per pass).
 */
export const GRAM_BLOCK_ROWS = 32;
const FEATURE_CHUNK = 512;

export function gramBlock(x: Float64Array, n: number, d: number, gram: Float64Array, blockStart: number, blockEnd: number): void {
  for (let i = blockStart; i < blockEnd; i++) gram.fill(0, i * n + blockStart, (i + 1) * n);
  for (let k0 = 0; k0 < d; k0 += FEATURE_CHUNK) {
    const k1 = Math.min(d, k0 + FEATURE_CHUNK);
    let j = blockStart;
    for (; j + 1 < n; j += 2) {
      const b0 = j * d;
      const b1 = b0 + d;
      let i = blockStart;
      for (; i + 3 < blockEnd; i += 4) {
        const a0 = i * d;
        const a1 = a0 + d;
        const a2 = a1 + d;
        const a3 = a2 + d;
        let s00 = 0, s01 = 0, s10 = 0, s11 = 0, s20 = 0, s21 = 0, s30 = 0, s31 = 0;
        for (let k = k0; k < k1; k++) {
          const u = x[b0 + k];
          const v = x[b1 + k];
          const p = x[a0 + k];
          const q = x[a1 + k];
          const r = x[a2 + k];
          const s = x[a3 + k];
          s00 += p * u; s01 += p * v;
          s10 += q * u; s11 += q * v;
          s20 += r * u; s21 += r * v;
          s30 += s * u; s31 += s * v;
        }
        const g = i * n + j;
        gram[g] += s00; gram[g + 1] += s01;
        gram[g + n] += s10; gram[g + n + 1] += s11;
        gram[g + 2 * n] += s20; gram[g + 2 * n + 1] += s21;
        gram[g + 3 * n] += s30; gram[g + 3 * n + 1] += s31;
      }
      for (; i < blockEnd; i++) {
        const a = i * d;
        let s0 = 0, s1 = 0;
        for (let k = k0; k < k1; k++) {
          s0 += x[a + k] * x[b0 + k];
          s1 += x[a + k] * x[b1 + k];
        }
        gram[i * n + j] += s0;
        gram[i * n + j + 1] += s1;
      }
    }
    for (; j < n; j++) {
      const b = j * d;
      for (let i = blockStart; i < blockEnd; i++) {
        const a = i * d;
        let s = 0;
        for (let k = k0; k < k1; k++) s += x[a + k] * x[b + k];
        gram[i * n + j] += s;
      }
    }
  }
}

/** Mirrors the upper triangle into the lower one and adds the bias term 1 everywhere. */
export function finishGram(gram: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) {
    gram[i * n + i] += 1;
    for (let j = i + 1; j < n; j++) {
      const value = gram[i * n + j] + 1;
      gram[i * n + j] = value;
      gram[j * n + i] = value;
    }
  }
}

/** Whole Gram matrix on this thread (tests, small problems). */
export function computeGram(x: Float64Array, n: number, d: number, gram: Float64Array = new Float64Array(n * n)): Float64Array {
  for (let start = 0; start < n; start += GRAM_BLOCK_ROWS) gramBlock(x, n, d, gram, start, Math.min(n, start + GRAM_BLOCK_ROWS));
  finishGram(gram, n);
  return gram;
}
