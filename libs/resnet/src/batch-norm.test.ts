import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { batchNorm, type BatchNormVariables } from './batch-norm.ts';
import { useBackend } from './test-backends.ts';

function variables(weight: number[], bias: number[], mean: number[], variance: number[]): BatchNormVariables {
  return {
    weight: tf.variable(tf.tensor1d(weight)),
    bias: tf.variable(tf.tensor1d(bias)),
    runningMean: tf.variable(tf.tensor1d(mean), false),
    runningVar: tf.variable(tf.tensor1d(variance), false),
  };
}

function disposeAll(bn: BatchNormVariables): void {
  for (const variable of Object.values(bn)) variable.dispose();
}

describe('batchNorm', () => {
  beforeAll(() => useBackend('cpu'));

  it('eval (frozen) mode is the affine map with running statistics, computed by hand', () => {
    // Channel 0: mean 1, var 3 -> sqrt(3 + 1e-5); weight 2, bias 0.5. Channel 1: mean -2, var 0.25, weight -1, bias 0.
    const bn = variables([2, -1], [0.5, 0], [1, -2], [3, 0.25]);
    const x = tf.tensor4d([4, 0, -2, -1.5], [1, 1, 2, 2]); // pixels (4, 0) and (-2, -1.5)
    const y = batchNorm(x, bn, 'eval');
    const s0 = Math.sqrt(3 + 1e-5);
    const s1 = Math.sqrt(0.25 + 1e-5);
    const expected = [
      ((4 - 1) / s0) * 2 + 0.5, ((0 + 2) / s1) * -1,
      ((-2 - 1) / s0) * 2 + 0.5, ((-1.5 + 2) / s1) * -1,
    ];
    const actual = Array.from(y.dataSync());
    actual.forEach((value, i) => expect(value).toBeCloseTo(expected[i], 5));
    // Running statistics untouched in eval mode.
    expect(Array.from(bn.runningMean.dataSync())).toEqual([1, -2]);
    tf.dispose([x, y]);
    disposeAll(bn);
  });

  it('train mode normalises with batch statistics and updates running stats with momentum 0.1 and the unbiased variance', () => {
    const bn = variables([1], [0], [0], [1]);
    // One channel, values 1, 2, 3, 6 over N=2, H=1, W=2: mean 3, biased var (4+1+0+9)/4 = 3.5, unbiased 14/3.
    const x = tf.tensor4d([1, 2, 3, 6], [2, 1, 2, 1]);
    const y = batchNorm(x, bn, 'train');
    const sd = Math.sqrt(3.5 + 1e-5);
    Array.from(y.dataSync()).forEach((value, i) => expect(value).toBeCloseTo(([1, 2, 3, 6][i] - 3) / sd, 5));
    expect(bn.runningMean.dataSync()[0]).toBeCloseTo(0.9 * 0 + 0.1 * 3, 6);
    expect(bn.runningVar.dataSync()[0]).toBeCloseTo(0.9 * 1 + 0.1 * (14 / 3), 6);
    tf.dispose([x, y]);
    disposeAll(bn);
  });

  it('train mode refuses a single value per channel, as PyTorch does', () => {
    const bn = variables([1], [0], [0], [1]);
    const x = tf.tensor4d([1], [1, 1, 1, 1]);
    expect(() => batchNorm(x, bn, 'train')).toThrow(/more than 1 value per channel/);
    x.dispose();
    disposeAll(bn);
  });
});
