import type { ArenaViews } from './arena.ts';

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

/**
 * `gramBlock` with the wasm SIMD register block (4 × 2 dot products, simd.ts) on the shared
 * arena: rows blockStart..blockEnd of the upper triangle, in chunks of SIMD_FEATURE_CHUNK
 * features so that the block's chunk stays in L2 while the other rows stream past.
 */
export const SIMD_FEATURE_CHUNK = 1024;

export function gramBlockSimd(views: ArenaViews, blockStart: number, blockEnd: number): void {
  const { n, d, xOffset } = views.arena.layout;
  const gram = views.gram!;
  const { dot, dot4x2 } = views.kernels;
  const outOffset = views.slot + views.slotLayout.out;
  const out = views.heap.subarray(outOffset / 8, outOffset / 8 + 8);
  const x = views.x;
  const stride = 8 * d;
  for (let i = blockStart; i < blockEnd; i++) gram.fill(0, i * n + blockStart, (i + 1) * n);
  for (let k0 = 0; k0 < d; k0 += SIMD_FEATURE_CHUNK) {
    const k1 = Math.min(d, k0 + SIMD_FEATURE_CHUNK);
    const even = (k1 - k0) & ~1;
    const odd = k0 + even < k1; // one feature left for the scalar path
    let j = blockStart;
    for (; j + 1 < n; j += 2) {
      const b = xOffset + stride * j + 8 * k0;
      let i = blockStart;
      for (; i + 3 < blockEnd; i += 4) {
        dot4x2(xOffset + stride * i + 8 * k0, b, stride, even, outOffset);
        const g = i * n + j;
        if (odd) {
          const k = k0 + even;
          const u = x[j * d + k];
          const v = x[(j + 1) * d + k];
          for (let r = 0; r < 4; r++) {
            const p = x[(i + r) * d + k];
            out[2 * r] += p * u;
            out[2 * r + 1] += p * v;
          }
        }
        gram[g] += out[0]; gram[g + 1] += out[1];
        gram[g + n] += out[2]; gram[g + n + 1] += out[3];
        gram[g + 2 * n] += out[4]; gram[g + 2 * n + 1] += out[5];
        gram[g + 3 * n] += out[6]; gram[g + 3 * n + 1] += out[7];
      }
      for (; i < blockEnd; i++) {
        const a = xOffset + stride * i + 8 * k0;
        gram[i * n + j] += dot(a, b, k1 - k0);
        gram[i * n + j + 1] += dot(a, b + stride, k1 - k0);
      }
    }
    for (; j < n; j++) {
      const b = xOffset + stride * j + 8 * k0;
      for (let i = blockStart; i < blockEnd; i++) gram[i * n + j] += dot(xOffset + stride * i + 8 * k0, b, k1 - k0);
    }
  }
}
