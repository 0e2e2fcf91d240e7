import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { reconstructionLoss } from './loss.ts';
import { useBackend } from './test-backends.ts';

describe('reconstructionLoss', () => {
  beforeAll(() => useBackend('cpu'));

  it('is the mean (default) or sum of squared differences', () => {
    const a = tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]);
    const b = tf.tensor4d([1, 0, 3, 1], [1, 2, 2, 1]); // squared errors 0, 4, 0, 9
    expect(reconstructionLoss(a, b).dataSync()[0]).toBeCloseTo(13 / 4, 6);
    expect(reconstructionLoss(a, b, 'sum').dataSync()[0]).toBeCloseTo(13, 6);
    expect(() => reconstructionLoss(a, tf.zeros([1, 2, 3, 1]) as tf.Tensor4D)).toThrow(/differ in shape/);
  });
});
