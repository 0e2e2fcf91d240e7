/**
 * MaxPoolGrad for the wasm backend, whose own kernel is wrong for more than one channel
 * (tfjs-wasm-in-node.md). Each output's gradient goes to the first maximum of its window in
 * row-major tap order, as TensorFlow and the tfjs cpu backend do. Per tap (i, j): the tap
 * image of the (-inf padded) input is compared with the pooled output; a running "taken"
 * mask keeps only the first match; the masked dy is then placed back at (y*s+i, x*s+j).
 * Built from pads, rank-4 slices, reshapes and elementwise ops only (see layout.ts).
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs';
import { asTensor } from './conv2d-backprop-filter.ts';
import { interleave, takeStrided } from './layout.ts';

interface Attrs {
  filterSize: number | [number, number];
  strides: number | [number, number];
  pad: 'valid' | 'same' | number;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

export function maxPoolGrad(dy: tf.Tensor4D, input: tf.Tensor4D, output: tf.Tensor4D, attrs: Attrs): tf.Tensor4D {
  const info = tf.backend_util.computePool2DInfo(
    input.shape, attrs.filterSize, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode,
  );
  const [kh, kw] = [info.filterHeight, info.filterWidth];
  const [sh, sw] = [info.strideHeight, info.strideWidth];
  const { top, left } = info.padInfo;
  const [n, h, w, c] = input.shape;
  const [ho, wo] = [info.outHeight, info.outWidth];
  // Rows of the padded frame, a multiple of the stride, covering every window.
  const hq = ho + Math.ceil((kh - 1) / sh);
  const wq = wo + Math.ceil((kw - 1) / sw);
  return tf.tidy(() => {
    const framed = tf.pad(
      input,
      [[0, 0], [top, Math.max(0, hq * sh - h - top)], [left, Math.max(0, wq * sw - w - left)], [0, 0]],
      -Infinity,
    );
    const xp = tf.slice(framed, [0, 0, 0, 0], [n, hq * sh, wq * sw, c]);
    // acc[a][b]: gradient landing on frame rows = a (mod sh), columns = b (mod sw).
    const acc: (tf.Tensor4D | null)[][] = Array.from({ length: sh }, () => Array<tf.Tensor4D | null>(sw).fill(null));
    let taken: tf.Tensor4D = tf.zerosLike(dy);
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        const tap = takeStrided(xp, i, j, sh, sw, ho, wo);
        const hit = tf.mul(tf.cast(tf.equal(tap, output), 'float32'), tf.sub(1, taken)) as tf.Tensor4D;
        taken = tf.add(taken, hit) as tf.Tensor4D;
        const qi = Math.floor(i / sh), qj = Math.floor(j / sw);
        const placed = tf.pad(tf.mul(dy, hit) as tf.Tensor4D, [[0, 0], [qi, hq - ho - qi], [qj, wq - wo - qj], [0, 0]]);
        const a = i % sh, b = j % sw;
        acc[a]![b] = acc[a]![b] ? (tf.add(acc[a]![b]!, placed) as tf.Tensor4D) : placed;
      }
    }
    const parts = acc.map((row) => row.map((p) => p ?? tf.zeros([n, hq, wq, c]))) as tf.Tensor4D[][];
    const frame = interleave(parts); // [N, hq*sh, wq*sw, C]
    // Back from the padded frame to the input; rows past the frame never got gradient.
    const rows = Math.min(h, hq * sh - top), cols = Math.min(w, wq * sw - left);
    const dx = tf.slice(frame, [0, top, left, 0], [n, rows, cols, c]);
    return rows === h && cols === w ? dx : tf.pad(dx, [[0, 0], [0, h - rows], [0, w - cols], [0, 0]]);
  });
}

export const maxPoolGradConfig: KernelConfig = {
  kernelName: 'MaxPoolGrad',
  backendName: 'wasm',
  kernelFunc: ({ inputs, attrs }) => {
    const { dy, input, output } = inputs as NamedTensorInfoMap;
    return tf.tidy(() =>
      maxPoolGrad(asTensor(dy!), asTensor(input!), asTensor(output!), attrs as unknown as Attrs),
    ) as unknown as TensorInfo;
  },
};
