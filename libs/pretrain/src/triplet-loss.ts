/**
 * Batch-hard triplet loss (Hermans, Beyer & Leibe 2017; paper eq. 6).
 *
 * For every anchor a in the batch:
 *   hardest positive  d⁺_a = max over p ≠ a with label(p) = label(a) of d(a, p)
 *   hardest negative  d⁻_a = min over n with label(n) ≠ label(a) of d(a, n)
 *   loss_a = [margin + d⁺_a − d⁻_a]₊
 * with the Euclidean distance of eq. 3, d(a, b) = ‖f(a) − f(b)‖₂, and margin α = 0.3.
 *
 * Pinned choices:
 * - MEAN over anchors, not the paper's sum: the issue pins means so that λ in
 *   L = L_re + λ·L_htri means the same thing at any batch size.
 * - d = sqrt(max(‖a‖² − 2a·b + ‖b‖², 0) + 1e-12). The epsilon inside the root keeps the
 *   gradient finite at d = 0 (self-pairs, and duplicate images from PK sampling with
 *   replacement): d sqrt(s)/ds = 1/(2 sqrt(s)) is infinite at 0, and 0·∞ = NaN would poison
 *   the masked-out entries' gradients. It shifts a distance by at most 1e-6.
 * - Anchors without any positive (a singleton label in the batch) or without any negative
 *   (one label only) have no triplet; they are left out of the mean. No valid anchor → 0.
 */
import * as tf from '@tensorflow/tfjs';

export const TRIPLET_MARGIN = 0.3;
export const DISTANCE_EPSILON = 1e-12;

/** Pairwise Euclidean distances between the rows of e (n × n). */
export function pairwiseDistances(e: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const sq = e.square().sum(1); // ‖e_i‖²
    const gram = tf.matMul(e, e, false, true);
    const d2 = sq.expandDims(1).add(sq.expandDims(0)).sub(gram.mul(2)).relu();
    return d2.add(DISTANCE_EPSILON).sqrt() as tf.Tensor2D;
  });
}

export function batchHardTripletLoss(embeddings: tf.Tensor2D, labels: tf.Tensor1D | Int32Array, margin = TRIPLET_MARGIN): tf.Scalar {
  return tf.tidy(() => {
    const n = embeddings.shape[0];
    const lab = labels instanceof Int32Array ? tf.tensor1d(labels, 'int32') : labels;
    if (lab.shape[0] !== n) throw new Error(`batchHardTripletLoss: ${lab.shape[0]} labels for ${n} embeddings`);
    const dist = pairwiseDistances(embeddings);
    const same = lab.expandDims(1).equal(lab.expandDims(0));
    const notSelf = tf.eye(n).equal(0);
    const positive = same.logicalAnd(notSelf);
    const negative = same.logicalNot();
    // Distances are ≥ 0, so 0 is neutral for the max over positives; +∞ would be the neutral
    // element of the min, but a large finite value avoids ∞ − ∞ in the hinge when an anchor
    // has no negative (such anchors are masked out below anyway).
    const hardestPositive = tf.where(positive, dist, tf.zerosLike(dist)).max(1);
    const far = dist.max().add(1e6);
    const hardestNegative = tf.where(negative, dist, far.broadcastTo(dist.shape)).min(1);
    const valid = positive.any(1).logicalAnd(negative.any(1)).cast('float32');
    const hinge = hardestPositive.sub(hardestNegative).add(margin).relu().mul(valid);
    const count = valid.sum();
    return hinge.sum().div(tf.maximum(count, 1)) as tf.Scalar;
  });
}
