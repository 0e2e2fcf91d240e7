/**
 * Direct float64 implementations used as the ground truth of the gradient tests: plain
 * loops, written from the definitions, independent of any tfjs backend.
 */

/** NHWC tensor in float64 with its shape. */
export interface F64 {
  shape: number[];
  data: Float64Array;
}

export function f64(shape: number[], fill: (i: number) => number): F64 {
  const size = shape.reduce((a, b) => a * b, 1);
  return { shape, data: Float64Array.from({ length: size }, (_, i) => fill(i)) };
}

/** conv2d NHWC, filter [kh,kw,ci,co], explicit pads top/left, output size given. */
export function conv2dF64(x: F64, w: F64, s: number, top: number, left: number, ho: number, wo: number): F64 {
  const [n, h, wd, ci] = x.shape as [number, number, number, number];
  const [kh, kw, , co] = w.shape as [number, number, number, number];
  const out = f64([n, ho, wo, co], () => 0);
  for (let b = 0; b < n; b++)
    for (let y = 0; y < ho; y++)
      for (let xx = 0; xx < wo; xx++)
        for (let i = 0; i < kh; i++)
          for (let j = 0; j < kw; j++) {
            const iy = y * s + i - top, ix = xx * s + j - left;
            if (iy < 0 || iy >= h || ix < 0 || ix >= wd) continue;
            for (let c = 0; c < ci; c++) {
              const xv = x.data[((b * h + iy) * wd + ix) * ci + c]!;
              for (let o = 0; o < co; o++) out.data[((b * ho + y) * wo + xx) * co + o]! += xv * w.data[((i * kw + j) * ci + c) * co + o]!;
            }
          }
  return out;
}

/** conv2dTranspose NHWC, filter [kh,kw,outC,inC]: each input pixel scatters a filter copy. */
export function conv2dTransposeF64(x: F64, w: F64, s: number, top: number, left: number, ho: number, wo: number): F64 {
  const [n, h, wd, ci] = x.shape as [number, number, number, number];
  const [kh, kw, co] = w.shape as [number, number, number, number];
  const out = f64([n, ho, wo, co], () => 0);
  for (let b = 0; b < n; b++)
    for (let y = 0; y < h; y++)
      for (let xx = 0; xx < wd; xx++)
        for (let i = 0; i < kh; i++)
          for (let j = 0; j < kw; j++) {
            const oy = y * s + i - top, ox = xx * s + j - left;
            if (oy < 0 || oy >= ho || ox < 0 || ox >= wo) continue;
            for (let c = 0; c < ci; c++) {
              const xv = x.data[((b * h + y) * wd + xx) * ci + c]!;
              for (let o = 0; o < co; o++) out.data[((b * ho + oy) * wo + ox) * co + o]! += xv * w.data[((i * kw + j) * co + o) * ci + c]!;
            }
          }
  return out;
}

/** maxPool NHWC with -inf padding, square window k, stride s. */
export function maxPoolF64(x: F64, k: number, s: number, top: number, left: number, ho: number, wo: number): F64 {
  const [n, h, wd, c] = x.shape as [number, number, number, number];
  const out = f64([n, ho, wo, c], () => -Infinity);
  for (let b = 0; b < n; b++)
    for (let y = 0; y < ho; y++)
      for (let xx = 0; xx < wo; xx++)
        for (let i = 0; i < k; i++)
          for (let j = 0; j < k; j++) {
            const iy = y * s + i - top, ix = xx * s + j - left;
            if (iy < 0 || iy >= h || ix < 0 || ix >= wd) continue;
            for (let ch = 0; ch < c; ch++) {
              const o = ((b * ho + y) * wo + xx) * c + ch;
              out.data[o] = Math.max(out.data[o]!, x.data[((b * h + iy) * wd + ix) * c + ch]!);
            }
          }
  return out;
}

/** Nearest-neighbour upsampling by an integer factor (alignCorners = halfPixel = false). */
export function upsampleNearestF64(x: F64, f: number): F64 {
  const [n, h, w, c] = x.shape as [number, number, number, number];
  return f64([n, h * f, w * f, c], (o) => {
    const ch = o % c, X = Math.floor(o / c) % (w * f), Y = Math.floor(o / (c * w * f)) % (h * f), b = Math.floor(o / (c * w * f * h * f));
    return x.data[((b * h + Math.floor(Y / f)) * w + Math.floor(X / f)) * c + ch]!;
  });
}

/** Batch normalisation over N,H,W with batch statistics (biased variance), as in training. */
export function batchNormF64(x: F64, gamma: F64, beta: F64, eps: number): F64 {
  const c = x.shape[x.shape.length - 1]!;
  const m = x.data.length / c;
  const mean = new Float64Array(c), vr = new Float64Array(c);
  for (let i = 0; i < x.data.length; i++) mean[i % c]! += x.data[i]! / m;
  for (let i = 0; i < x.data.length; i++) vr[i % c]! += (x.data[i]! - mean[i % c]!) ** 2 / m;
  return f64(x.shape, (i) => ((x.data[i]! - mean[i % c]!) / Math.sqrt(vr[i % c]! + eps)) * gamma.data[i % c]! + beta.data[i % c]!);
}

/**
 * Central-difference gradient of L = sum(f(inputs) * r) with respect to inputs[which] at
 * the given flat indices.
 */
export function numericGrad(f: (xs: F64[]) => F64, inputs: F64[], r: Float64Array, which: number, indices: number[], h = 1e-4): number[] {
  const loss = () => f(inputs).data.reduce((acc, v, i) => acc + v * r[i]!, 0);
  return indices.map((k) => {
    const d = inputs[which]!.data;
    const keep = d[k]!;
    d[k] = keep + h;
    const up = loss();
    d[k] = keep - h;
    const down = loss();
    d[k] = keep;
    return (up - down) / (2 * h);
  });
}
