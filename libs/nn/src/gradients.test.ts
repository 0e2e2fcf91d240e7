// Gradients of the ops the MGTA auto-encoder trains with, on the wasm backend with this
// library's kernels, against central differences of direct float64 implementations.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { Random } from '@mgta/core';
import { initBackend } from './backend.ts';
import {
  batchNormF64, conv2dF64, conv2dTransposeF64, f64, maxPoolF64, numericGrad, upsampleNearestF64, type F64,
} from './reference-f64.ts';

beforeAll(async () => {
  const info = await initBackend({ prefer: 'wasm', threads: 2, log: false });
  expect(info.name).toBe('wasm');
});

const rng = new Random(7);
const randn = (shape: number[]) => f64(shape, () => rng.normal());
const toTf = (a: F64) => tf.tensor(Float32Array.from(a.data), a.shape);

/**
 * Checks d/dinputs of sum(op(inputs) * r) from tf.grads on the wasm backend against
 * float64 central differences at 16 random entries of every input.
 */
function checkGrads(op: (xs: tf.Tensor[]) => tf.Tensor, ref: (xs: F64[]) => F64, inputs: F64[], tol = 2e-3): void {
  expect(tf.getBackend()).toBe('wasm');
  const out = ref(inputs);
  const r = f64(out.shape, () => rng.normal());
  const forward = tf.tidy(() => op(inputs.map(toTf)).dataSync());
  const fwdErr = Math.max(...out.data.map((v, i) => Math.abs(v - forward[i]!)));
  expect(fwdErr).toBeLessThan(tol * Math.max(1, ...out.data.map(Math.abs)));
  const grads = tf.tidy(() =>
    tf.grads((...xs: tf.Tensor[]) => tf.sum(tf.mul(op(xs), toTf(r))))(inputs.map(toTf)).map((g) => g.dataSync()),
  );
  inputs.forEach((input, which) => {
    const idx = Array.from({ length: 16 }, () => rng.int(input.data.length));
    const numeric = numericGrad(ref, inputs, r.data, which, idx);
    const scale = Math.max(1, ...numeric.map(Math.abs));
    idx.forEach((k, i) => expect(Math.abs(grads[which]![k]! - numeric[i]!)).toBeLessThan(tol * scale));
  });
}

describe('conv2d gradients (Conv2DBackpropInput, Conv2DBackpropFilter)', () => {
  // [kernel, stride, padding as passed to tf, top/left pad, input size]
  const cases: [number, number, 'same' | 'valid' | number, number, number][] = [
    [1, 1, 'valid', 0, 8], [1, 2, 'valid', 0, 8], [3, 1, 'same', 1, 8], [3, 2, 'same', 0, 8],
    [3, 1, 1, 1, 7], [3, 2, 1, 1, 9], [3, 2, 'valid', 0, 9], [7, 2, 3, 3, 12], [7, 1, 'same', 3, 9],
  ];
  for (const [k, s, pad, top, size] of cases) {
    it(`k${k} s${s} pad ${pad} on ${size}x${size}`, () => {
      const x = randn([2, size, size, 3]);
      const w = randn([k, k, 3, 4]);
      const info = tf.backend_util.computeConv2DInfo([2, size, size, 3], [k, k, 3, 4], s, 1, pad);
      expect(info.padInfo.top).toBe(top);
      checkGrads(
        ([a, b]) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, s, pad),
        ([a, b]) => conv2dF64(a!, b!, s, info.padInfo.top, info.padInfo.left, info.outHeight, info.outWidth),
        [x, w],
      );
    });
  }
});

describe('conv2dTranspose gradients (the decoder)', () => {
  it('3x3 stride 2 same: 5x5 -> 10x10', () => {
    checkGrads(
      ([a, b]) => tf.conv2dTranspose(a as tf.Tensor4D, b as tf.Tensor4D, [2, 10, 10, 3], 2, 'same'),
      ([a, b]) => conv2dTransposeF64(a!, b!, 2, 0, 0, 10, 10),
      [randn([2, 5, 5, 4]), randn([3, 3, 3, 4])],
    );
  });
  it('8x8 stride 2 pad 3: 4x4 -> 8x8', () => {
    checkGrads(
      ([a, b]) => tf.conv2dTranspose(a as tf.Tensor4D, b as tf.Tensor4D, [2, 8, 8, 3], 2, 3),
      ([a, b]) => conv2dTransposeF64(a!, b!, 2, 3, 3, 8, 8),
      [randn([2, 4, 4, 4]), randn([8, 8, 3, 4])],
    );
  });
});

describe('other ops of the training step', () => {
  it('maxPool 3x3 stride 2 pad 1, several channels (MaxPoolGrad)', () => {
    checkGrads(
      ([a]) => tf.maxPool(a as tf.Tensor4D, 3, 2, 1 as unknown as 'same'),
      ([a]) => maxPoolF64(a!, 3, 2, 1, 1, 5, 5),
      [randn([2, 9, 9, 5])],
    );
  });
  it('maxPool gives a tied window to its first maximum only, as TensorFlow does', () => {
    const x = tf.tensor4d([1, 1, 1, 1, 0, 1, 1, 1, 1], [1, 3, 3, 1]);
    const g = tf.grad((a: tf.Tensor) => tf.maxPool(a as tf.Tensor4D, 3, 1, 'valid').sum())(x);
    expect(Array.from(g.dataSync())).toEqual([1, 0, 0, 0, 0, 0, 0, 0, 0]);
  });
  it('resizeNearestNeighbor x2 with batch 2', () => {
    checkGrads(
      ([a]) => tf.image.resizeNearestNeighbor(a as tf.Tensor4D, [8, 8]),
      ([a]) => upsampleNearestF64(a!, 2),
      [randn([2, 4, 4, 3])],
    );
  });
  it('batchNorm with batch statistics', () => {
    checkGrads(
      ([x, g, b]) => {
        const { mean, variance } = tf.moments(x!, [0, 1, 2]);
        return tf.batchNorm(x!, mean, variance, b!, g!, 1e-3);
      },
      ([x, g, b]) => batchNormF64(x!, g!, b!, 1e-3),
      [randn([2, 4, 4, 3]), randn([3]), randn([3])],
    );
  });
  it('relu (inputs away from the kink)', () => {
    const x = f64([2, 3, 3, 4], () => (rng.next() < 0.5 ? -1 : 1) * (0.1 + rng.next()));
    checkGrads(([a]) => tf.relu(a!), ([a]) => f64(a!.shape, (i) => Math.max(0, a!.data[i]!)), [x]);
  });
  it('meanSquaredError and mean', () => {
    checkGrads(
      ([a, b]) => tf.losses.meanSquaredError(b!, a!).add(tf.mean(a!)),
      ([a, b]) => {
        const n = a!.data.length;
        const v = a!.data.reduce((acc, ai, i) => acc + ((ai - b!.data[i]!) ** 2 + ai) / n, 0);
        return f64([], () => v);
      },
      [randn([2, 3, 3, 2]), randn([2, 3, 3, 2])],
    );
  });
  it('matMul', () => {
    checkGrads(
      ([a, b]) => tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D),
      ([a, b]) => f64([5, 3], (o) => {
        const i = Math.floor(o / 3), j = o % 3;
        let acc = 0;
        for (let k = 0; k < 7; k++) acc += a!.data[i * 7 + k]! * b!.data[k * 3 + j]!;
        return acc;
      }),
      [randn([5, 7]), randn([7, 3])],
    );
  });
});
