// A few training steps of a tiny conv net (conv, batchNorm, relu, maxPool, upsample,
// conv2dTranspose, MSE) on wasm: the tensor count must not grow from step to step.
import { expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from './backend.ts';

it('optimizer.minimize inside tf.tidy keeps numTensors constant', async () => {
  await initBackend({ prefer: 'wasm', threads: 2, log: false });
  expect(tf.getBackend()).toBe('wasm');
  const w1 = tf.variable(tf.randomNormal([3, 3, 3, 8], 0, 0.2, 'float32', 1));
  const w2 = tf.variable(tf.randomNormal([3, 3, 3, 8], 0, 0.2, 'float32', 2));
  const gamma = tf.variable(tf.ones([8]));
  const beta = tf.variable(tf.zeros([8]));
  const x = tf.randomNormal([2, 16, 16, 3], 0, 1, 'float32', 3) as tf.Tensor4D;
  const opt = tf.train.adam(1e-2);
  const step = () =>
    tf.tidy(() => {
      const cost = opt.minimize(() => {
        const h = tf.conv2d(x, w1 as tf.Tensor4D, 2, 'same');
        const { mean, variance } = tf.moments(h, [0, 1, 2]);
        const p = tf.maxPool(tf.relu(tf.batchNorm(h, mean, variance, beta, gamma, 1e-3)) as tf.Tensor4D, 3, 2, 'same');
        const up = tf.image.resizeNearestNeighbor(p as tf.Tensor4D, [8, 8]) as tf.Tensor4D;
        const y = tf.conv2dTranspose(up, w2 as tf.Tensor4D, [2, 16, 16, 3], 2, 'same');
        return tf.losses.meanSquaredError(x, y) as tf.Scalar;
      }, true)!;
      return cost.dataSync()[0]!;
    });
  const losses = [step()];
  const after1 = tf.memory().numTensors;
  for (let i = 0; i < 4; i++) losses.push(step());
  expect(tf.memory().numTensors).toBe(after1);
  // It trains: the loss goes down.
  expect(losses[4]!).toBeLessThan(losses[0]!);
});
