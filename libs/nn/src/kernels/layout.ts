/**
 * Stride tricks built only from ops that are fast on the wasm backend. StridedSlice and
 * slices of rank > 4 are slow there (/work/shared/notes/tfjs-wasm-in-node.md, "Kernels for
 * training"; wasm's Slice copies contiguous runs for rank <= 4 and falls back to a
 * per-element loop above), so every stride is taken by a reshape that turns it into a
 * separate axis, and every slice is rank 4 with a long innermost run.
 */
import * as tf from '@tensorflow/tfjs';

/**
 * Zero-insertion: x [N,H,W,C] -> [N, H*s, W*s, C] with x[n,y,x] at (y*s, x*s) and zeros
 * elsewhere (each row and column followed by s-1 zeros, the trailing ones included).
 */
export function dilate(x: tf.Tensor4D, sh: number, sw: number): tf.Tensor4D {
  if (sh === 1 && sw === 1) return x;
  const [n, h, w, c] = x.shape;
  return tf.tidy(() => {
    const cols = tf.pad(x.reshape([n * h, 1, w, c]), [[0, 0], [0, sh - 1], [0, 0], [0, (sw - 1) * c]]);
    return cols.reshape([n, h * sh, w * sw, c]);
  });
}

/**
 * The inverse view: from x [N, Hq*sh, Wq*sw, C] (already padded to multiples of the
 * stride) takes rows qh*sh + a + sh*k and columns qw*sw + b + sw*l for k < outH, l < outW,
 * where a = offH % sh, qh = floor(offH / sh) (same for columns). This is
 * x[:, offH :: sh, offW :: sw, :] cropped to [N, outH, outW, C].
 */
export function takeStrided(
  x: tf.Tensor4D,
  offH: number,
  offW: number,
  sh: number,
  sw: number,
  outH: number,
  outW: number,
): tf.Tensor4D {
  const [n, hp, wp, c] = x.shape;
  const hq = hp / sh;
  const wq = wp / sw;
  if (!Number.isInteger(hq) || !Number.isInteger(wq)) throw new Error('takeStrided: pad to a multiple of the stride first');
  return tf.tidy(() => {
    const rows = tf.slice(x.reshape([n, hq, sh, wq * sw * c]), [0, Math.floor(offH / sh), offH % sh, 0], [n, outH, 1, wq * sw * c]);
    const cols = tf.slice(rows.reshape([n * outH, wq, sw, c]), [0, Math.floor(offW / sw), offW % sw, 0], [n * outH, outW, 1, c]);
    return cols.reshape([n, outH, outW, c]);
  });
}

/**
 * Interleaves sh*sw phase images parts[a][b] of shape [N, Hq, Wq, C] into [N, Hq*sh, Wq*sw, C]
 * with out[:, y*sh + a, x*sw + b] = parts[a][b][:, y, x].
 */
export function interleave(parts: tf.Tensor4D[][]): tf.Tensor4D {
  const sh = parts.length;
  const sw = parts[0]!.length;
  const [n, hq, wq, c] = parts[0]![0]!.shape;
  if (sh === 1 && sw === 1) return parts[0]![0]!;
  return tf.tidy(() => {
    const rows = parts.map((row) =>
      tf.concat(row.map((p) => p.reshape([n * hq, wq, 1, c])), 2).reshape([n * hq, 1, wq * sw * c]),
    );
    return tf.concat(rows, 1).reshape([n, hq * sh, wq * sw, c]);
  });
}

/**
 * Crops (negative amounts) or zero-pads (positive amounts) the H and W axes of x [N,H,W,C]:
 * a conv2d with explicit padding accepts only non-negative pads, and the slice is rank 4.
 */
export function cropOrPad(x: tf.Tensor4D, top: number, bottom: number, left: number, right: number): tf.Tensor4D {
  return tf.tidy(() => {
    let y = x;
    if (top < 0 || bottom < 0 || left < 0 || right < 0) {
      const [n, h, w, c] = y.shape;
      const t = Math.max(0, -top), b = Math.max(0, -bottom), l = Math.max(0, -left), r = Math.max(0, -right);
      y = tf.slice(y, [0, t, l, 0], [n, h - t - b, w - l - r, c]);
    }
    if (top > 0 || bottom > 0 || left > 0 || right > 0) {
      y = tf.pad(y, [[0, 0], [Math.max(0, top), Math.max(0, bottom)], [Math.max(0, left), Math.max(0, right)], [0, 0]]);
    }
    return y;
  });
}

/**
 * The filter of the transposed convolution: W [kh,kw,Ci,Co] -> W' [kh,kw,Co,Ci] with
 * W'[i,j,o,c] = W[kh-1-i, kw-1-j, c, o]. Written as one JS pass because wasm's Reverse
 * is a per-element loop: 120 ms for a 3x3x512x512 filter (it was 16% of an auto-encoder
 * step), and it costs as much on a 1x1 filter, where it changes nothing; this pass is
 * ~10 ms there, and a 1x1 filter only needs the channel swap (a transpose, ~15 ms).
 */
export function flipSpatialSwapChannels(filter: tf.Tensor4D): tf.Tensor4D {
  const [kh, kw, ci, co] = filter.shape;
  if (kh === 1 && kw === 1) return tf.transpose(filter, [0, 1, 3, 2]);
  const source = filter.dataSync() as Float32Array;
  const out = new Float32Array(source.length);
  const taps = kh * kw;
  const block = ci * co;
  for (let t = 0; t < taps; t++) {
    const from = (taps - 1 - t) * block;
    const to = t * block;
    for (let c = 0; c < ci; c++) {
      const row = from + c * co;
      for (let o = 0; o < co; o++) out[to + o * ci + c] = source[row + o]!;
    }
  }
  return tf.tensor4d(out, [kh, kw, co, ci]);
}

/** The attributes tfjs passes to both conv backprop kernels (each adds the shape it needs). */
export interface ConvBackpropAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}
