/**
 * The MGTA training objective (paper eq. 8): L = L_re + λ · L_htri.
 *
 * Both terms are MEANS, not the paper's sums (eq. 7 sums squared errors over pixels, eq. 6 over
 * anchors): the reconstruction term is the mean squared error per pixel (and channel, and
 * image) and the triplet term the mean over anchors (triplet-loss.ts). The issue pins means so
 * that λ ∈ [0.1, 1] balances the two terms the same way at any image size and batch size.
 */
import * as tf from '@tensorflow/tfjs';

/** Mean over all elements of (reconstruction − input)². */
export function reconstructionLoss(input: tf.Tensor, reconstruction: tf.Tensor): tf.Scalar {
  return tf.tidy(() => reconstruction.sub(input).square().mean() as tf.Scalar);
}

/** L = L_re + λ · L_htri (both already means). */
export function totalLoss(reconstruction: tf.Scalar, triplet: tf.Scalar, lambda: number): tf.Scalar {
  return tf.tidy(() => reconstruction.add(triplet.mul(lambda)) as tf.Scalar);
}
