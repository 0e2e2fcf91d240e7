import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { Random } from '@mgta/core';
import { conv2d, convOutputSize, convTranspose2d, convTransposeOutputSize, maxPool2d, upsampleNearest } from './conv-ops.ts';
import { torchFilterToTf } from './layout.ts';
import { useBackend } from './test-backends.ts';

/** A tiny NCHW-free reference: plain arrays indexed [n][y][x][c] (NHWC) and PyTorch weight layouts. */
function randomArray(size: number, random: Random): Float32Array {
  return Float32Array.from({ length: size }, () => random.normal());
}

/** PyTorch Conv2d by definition: out[o,y,x] = sum w[o,i,a,b] * in[i, y*s - p + a, x*s - p + b] (zero outside). */
function referenceConv(input: Float32Array, [h, w, cin]: number[], weight: Float32Array, [cout, , k]: number[], s: number, p: number) {
  const oh = convOutputSize(h, k, s, p);
  const ow = convOutputSize(w, k, s, p);
  const out = new Float32Array(oh * ow * cout);
  for (let y = 0; y < oh; y++) for (let x = 0; x < ow; x++) for (let o = 0; o < cout; o++) {
    let sum = 0;
    for (let i = 0; i < cin; i++) for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) {
      const iy = y * s - p + a;
      const ix = x * s - p + b;
      if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
      sum += weight[((o * cin + i) * k + a) * k + b] * input[(iy * w + ix) * cin + i];
    }
    out[(y * ow + x) * cout + o] = sum;
  }
  return { out, shape: [1, oh, ow, cout] };
}

/** PyTorch ConvTranspose2d by definition: in[i,y,x] * w[i,o,a,b] lands on out[o, y*s - p + a, x*s - p + b]. */
function referenceConvTranspose(input: Float32Array, [h, w, cin]: number[], weight: Float32Array, [, cout, k]: number[], s: number, p: number, op: number) {
  const oh = convTransposeOutputSize(h, k, s, p, op);
  const ow = convTransposeOutputSize(w, k, s, p, op);
  const out = new Float32Array(oh * ow * cout);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let i = 0; i < cin; i++) {
    for (let o = 0; o < cout; o++) for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) {
      const oy = y * s - p + a;
      const ox = x * s - p + b;
      if (oy < 0 || oy >= oh || ox < 0 || ox >= ow) continue;
      out[(oy * ow + ox) * cout + o] += input[(y * w + x) * cin + i] * weight[((i * cout + o) * k + a) * k + b];
    }
  }
  return { out, shape: [1, oh, ow, cout] };
}

function expectClose(actual: tf.Tensor, expected: { out: Float32Array; shape: number[] }): void {
  expect(actual.shape).toEqual(expected.shape);
  const values = actual.dataSync();
  let worst = 0;
  for (let i = 0; i < values.length; i++) worst = Math.max(worst, Math.abs(values[i] - expected.out[i]));
  expect(worst).toBeLessThan(1e-4);
}

describe.each(['cpu', 'wasm'] as const)('PyTorch-semantics ops on %s', (backend) => {
  beforeAll(() => useBackend(backend));
  const random = new Random(11);

  it.each([
    { name: 'conv1 7x7/2 pad 3 at odd size', h: 11, cin: 3, cout: 4, k: 7, s: 2, p: 3 },
    { name: '3x3/2 pad 1 at odd size', h: 9, cin: 2, cout: 3, k: 3, s: 2, p: 1 },
    { name: '3x3/2 pad 1 at even size', h: 8, cin: 2, cout: 3, k: 3, s: 2, p: 1 },
    { name: '1x1/2 (downsample) at odd size', h: 7, cin: 2, cout: 3, k: 1, s: 2, p: 0 },
  ])('conv2d: $name', ({ h, cin, cout, k, s, p }) => {
    const input = randomArray(h * h * cin, random);
    const weight = randomArray(cout * cin * k * k, random);
    const result = tf.tidy(() => conv2d(tf.tensor4d(input, [1, h, h, cin]), torchFilterToTf(tf.tensor4d(weight, [cout, cin, k, k])), s, p));
    expectClose(result, referenceConv(input, [h, h, cin], weight, [cout, cin, k], s, p));
    result.dispose();
  });

  it.each([
    { name: '3x3/2 pad 1 output_padding 1 (decoder upsampling)', h: 3, k: 3, s: 2, p: 1, op: 1 },
    { name: '1x1/2 output_padding 1 (decoder shortcut)', h: 3, k: 1, s: 2, p: 0, op: 1 },
    { name: '8x8/2 pad 3 (decoder last layer)', h: 4, k: 8, s: 2, p: 3, op: 0 },
    { name: '3x3/1 pad 1', h: 4, k: 3, s: 1, p: 1, op: 0 },
    { name: '1x1/1', h: 3, k: 1, s: 1, p: 0, op: 0 },
  ])('convTranspose2d: $name', ({ h, k, s, p, op }) => {
    const cin = 2;
    const cout = 3;
    const input = randomArray(h * h * cin, random);
    const weight = randomArray(cin * cout * k * k, random);
    const result = tf.tidy(() => convTranspose2d(tf.tensor4d(input, [1, h, h, cin]), torchFilterToTf(tf.tensor4d(weight, [cin, cout, k, k])), { stride: s, padding: p, outputPadding: op }));
    expectClose(result, referenceConvTranspose(input, [h, h, cin], weight, [cin, cout, k], s, p, op));
    result.dispose();
  });

  it('maxPool2d 3x3/2 pad 1 ignores padding even for negative inputs (PyTorch pads with -inf)', () => {
    const h = 5;
    const input = Float32Array.from({ length: h * h }, (_, i) => -100 - i);
    const result = maxPool2d(tf.tensor4d(input, [1, h, h, 1]), 3, 2, 1);
    // Output 3x3; window (y, x) covers rows 2y-1..2y+1, the max is the smallest index in range.
    const expected: number[] = [];
    for (let y = 0; y < 3; y++) for (let x = 0; x < 3; x++) expected.push(-100 - (Math.max(0, 2 * y - 1) * h + Math.max(0, 2 * x - 1)));
    expect(result.shape).toEqual([1, 3, 3, 1]);
    expect(Array.from(result.dataSync())).toEqual(expected);
    result.dispose();
  });

  it('upsampleNearest x2 repeats each pixel in a 2x2 block', () => {
    const result = upsampleNearest(tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]), 2);
    expect(Array.from(result.dataSync())).toEqual([1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4]);
    result.dispose();
  });
});

describe('output-size formulas', () => {
  it('match PyTorch at 225 through the ResNet-50 stem', () => {
    const conv1 = convOutputSize(225, 7, 2, 3);
    expect(conv1).toBe(113);
    expect(convOutputSize(conv1, 3, 2, 1)).toBe(57);
  });
  it('transposed: the decoder layers double exactly', () => {
    expect(convTransposeOutputSize(7, 3, 2, 1, 1)).toBe(14);
    expect(convTransposeOutputSize(7, 1, 2, 0, 1)).toBe(14);
    expect(convTransposeOutputSize(32, 8, 2, 3, 0)).toBe(64);
  });
});
