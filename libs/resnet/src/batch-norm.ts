/**
 * nn.BatchNorm2d over the channel (last, NHWC) axis, in PyTorch's two modes:
 *  - 'train': normalise with the batch's mean and biased variance, and update the running
 *    statistics with momentum m: running = (1 - m) * running + m * batch, where the variance
 *    fed to running_var is the unbiased one (n / (n - 1)), as PyTorch does;
 *  - 'eval' (frozen): y = (x - running_mean) / sqrt(running_var + eps) * weight + bias.
 */
import * as tf from '@tensorflow/tfjs';
import { BATCH_NORM_EPS, BATCH_NORM_MOMENTUM } from './encoder-architecture.ts';

export type BatchNormMode = 'train' | 'eval';

export interface BatchNormVariables {
  weight: tf.Variable;
  bias: tf.Variable;
  runningMean: tf.Variable;
  runningVar: tf.Variable;
}

export function batchNorm(x: tf.Tensor4D, bn: BatchNormVariables, mode: BatchNormMode, momentum = BATCH_NORM_MOMENTUM): tf.Tensor4D {
  if (mode === 'eval') return affine(x, bn.runningMean, bn.runningVar, bn);
  const [batch, height, width] = x.shape;
  const count = batch * height * width;
  if (count < 2) throw new Error(`batch norm in train mode needs more than 1 value per channel, got input [${x.shape.join(',')}]`);
  const { mean, variance } = tf.moments(x, [0, 1, 2]);
  updateRunningStatistics(bn, mean as tf.Tensor1D, variance as tf.Tensor1D, count, momentum);
  return affine(x, mean, variance, bn);
}

function affine(x: tf.Tensor4D, mean: tf.Tensor, variance: tf.Tensor, bn: BatchNormVariables): tf.Tensor4D {
  // (x - mean) * (weight / sqrt(var + eps)) + bias, with the per-channel factor computed once.
  const scale = tf.mul(bn.weight, tf.rsqrt(tf.add(variance, BATCH_NORM_EPS)));
  return tf.add(tf.mul(tf.sub(x, mean), scale), bn.bias) as tf.Tensor4D;
}

function updateRunningStatistics(bn: BatchNormVariables, mean: tf.Tensor1D, variance: tf.Tensor1D, count: number, momentum: number): void {
  tf.tidy(() => {
    // assign() is not recorded by the gradient tape: running statistics are state, not parameters.
    const unbiased = tf.mul(variance, count / (count - 1));
    bn.runningMean.assign(tf.add(tf.mul(bn.runningMean, 1 - momentum), tf.mul(mean, momentum)));
    bn.runningVar.assign(tf.add(tf.mul(bn.runningVar, 1 - momentum), tf.mul(unbiased, momentum)));
  });
}
