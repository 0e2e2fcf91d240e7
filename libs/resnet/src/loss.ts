/**
 * The MGTA reconstruction loss (paper eq. 7, L_re = sum_ij ||X^_ij - X_ij||^2) against the
 * normalised input. 'mean' (MSE, the default) divides by the element count so the loss scale
 * does not depend on image size or batch; 'sum' is eq. 7 as printed, summed over the batch.
 */
import * as tf from '@tensorflow/tfjs';

export function reconstructionLoss(reconstruction: tf.Tensor4D, target: tf.Tensor4D, reduction: 'mean' | 'sum' = 'mean'): tf.Scalar {
  const same = reconstruction.shape.length === target.shape.length && reconstruction.shape.every((size, i) => size === target.shape[i]);
  if (!same) throw new Error(`reconstruction [${reconstruction.shape.join(',')}] and target [${target.shape.join(',')}] differ in shape`);
  return tf.tidy(() => {
    const squared = tf.squaredDifference(reconstruction, target);
    return (reduction === 'mean' ? tf.mean(squared) : tf.sum(squared)) as tf.Scalar;
  });
}
