import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { reconstructionLoss, totalLoss } from './total-loss.ts';

describe('total loss', () => {
  it('reconstruction loss is the mean squared error per element', () => {
    const input = tf.tensor4d([0, 1, 2, 3, 4, 5, 6, 7], [2, 2, 2, 1]);
    const recon = tf.tensor4d([1, 1, 2, 3, 4, 5, 6, 5], [2, 2, 2, 1]);
    // squared errors 1 and 4 over 8 elements
    expect(reconstructionLoss(input, recon).dataSync()[0]).toBeCloseTo(5 / 8, 6);
  });

  it('is L_re + λ·L_htri', () => {
    expect(totalLoss(tf.scalar(0.5), tf.scalar(2), 0.1).dataSync()[0]).toBeCloseTo(0.7, 6);
    expect(totalLoss(tf.scalar(0.5), tf.scalar(2), 1).dataSync()[0]).toBeCloseTo(2.5, 6);
  });
});
