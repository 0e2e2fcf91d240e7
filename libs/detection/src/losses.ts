import * as tf from '@tensorflow/tfjs';
import type { RpnTargets } from './rpn-targets.ts';

/**
 * Element-wise smooth L1 of Detectron's SmoothL1Loss op: 0.5 x^2 / beta where |x| < beta, else
 * |x| - 0.5 beta.
 */
export function smoothL1(x: tf.Tensor, beta: number): tf.Tensor {
  return tf.tidy(() => {
    // With m = min(|x|, beta): 0.5 m^2 / beta + (|x| - m) is both branches at once, and unlike
    // tf.where(tf.less(...)) it is differentiable in tfjs.
    const magnitude = tf.abs(x);
    const quadratic = tf.minimum(magnitude, beta);
    return tf.add(tf.mul(tf.square(quadratic), 0.5 / beta), tf.sub(magnitude, quadratic));
  });
}

/**
 * Detectron's SmoothL1Loss op: sum(outside * smoothL1(inside * (prediction - target))) / normalizer,
 * the op's normalizer being the first dimension of its input (images for the RPN, RoIs for the
 * RoI head). The weights broadcast against `prediction`.
 */
export function weightedSmoothL1Loss(
  prediction: tf.Tensor,
  target: tf.Tensor,
  insideWeights: tf.Tensor,
  outsideWeights: tf.Tensor,
  beta: number,
  normalizer: number,
): tf.Scalar {
  return tf.tidy(() => {
    const difference = tf.mul(insideWeights, tf.sub(prediction, target));
    return tf.div(tf.sum(tf.mul(outsideWeights, smoothL1(difference, beta))), normalizer) as tf.Scalar;
  });
}

/**
 * RPN objectness loss as Detectron's SigmoidCrossEntropyLoss op with normalize=1: binary
 * cross-entropy of sigmoid(logit) over anchors labelled 0 or 1, summed and divided by their count
 * (at least 1); label -1 contributes nothing. `logits` and `labels` hold every anchor of every
 * image in the batch, in the same order.
 */
export function rpnObjectnessLoss(logits: tf.Tensor, labels: Int8Array): tf.Scalar {
  if (logits.size !== labels.length) throw new Error(`rpnObjectnessLoss: ${logits.size} logits but ${labels.length} labels`);
  const valid = new Float32Array(labels.length);
  const positive = new Float32Array(labels.length);
  let count = 0;
  labels.forEach((label, i) => {
    valid[i] = label >= 0 ? 1 : 0;
    positive[i] = label === 1 ? 1 : 0;
    count += valid[i];
  });
  return tf.tidy(() => {
    const x = tf.reshape(logits, [-1]);
    // -[t log σ(x) + (1 - t) log(1 - σ(x))] = softplus(x) - t x
    const perAnchor = tf.sub(tf.softplus(x), tf.mul(x, tf.tensor1d(positive)));
    return tf.div(tf.sum(tf.mul(perAnchor, tf.tensor1d(valid))), Math.max(count, 1)) as tf.Scalar;
  });
}

/**
 * RPN box loss as rpn_heads.py: SmoothL1Loss with beta RPN beta (1/9), inside weights 1 on
 * positives, outside weights 1 / (sampled anchors of that image), divided by the number of
 * images. `deltas` is [anchors, 4] over the whole batch; `targets` the per-image RpnTargets
 * concatenated in the same order.
 */
export function rpnBoxLoss(
  deltas: tf.Tensor,
  targets: Pick<RpnTargets, 'labels' | 'targets' | 'outsideWeights'>,
  beta: number,
  numImages: number,
): tf.Scalar {
  const n = targets.labels.length;
  if (deltas.size !== n * 4) throw new Error(`rpnBoxLoss: ${deltas.size / 4} deltas but ${n} anchors`);
  const inside = Float32Array.from(targets.labels, (label) => (label === 1 ? 1 : 0));
  return tf.tidy(() =>
    weightedSmoothL1Loss(
      tf.reshape(deltas, [n, 4]),
      tf.tensor2d(targets.targets, [n, 4]),
      tf.tensor2d(inside, [n, 1]),
      tf.tensor2d(targets.outsideWeights, [n, 1]),
      beta,
      numImages,
    ),
  );
}

/** RoI classification loss as Detectron's SoftmaxWithLoss: mean over RoIs of -log softmax(logits)[label]. */
export function roiClassificationLoss(logits: tf.Tensor2D, labels: Int32Array): tf.Scalar {
  const [numRois, numClasses] = logits.shape;
  if (labels.length !== numRois) throw new Error(`roiClassificationLoss: ${numRois} RoIs but ${labels.length} labels`);
  return tf.tidy(() => {
    const oneHot = tf.oneHot(tf.tensor1d(labels, 'int32'), numClasses);
    return tf.div(tf.neg(tf.sum(tf.mul(tf.logSoftmax(logits), oneHot))), Math.max(numRois, 1)) as tf.Scalar;
  });
}

/**
 * RoI box loss as fast_rcnn_heads.py: SmoothL1Loss (beta 1) on the class-specific [rois, 4 * C]
 * predictions, inside = outside weights = 1 in the label's 4 columns, divided by the number of
 * RoIs in the batch.
 */
export function roiBoxLoss(predictions: tf.Tensor2D, targets: Float32Array, weights: Float32Array, beta: number): tf.Scalar {
  const [numRois, width] = predictions.shape;
  if (targets.length !== numRois * width || weights.length !== numRois * width) {
    throw new Error(`roiBoxLoss: predictions ${numRois}x${width}, ${targets.length} targets, ${weights.length} weights`);
  }
  return tf.tidy(() => {
    const w = tf.tensor2d(weights, [numRois, width]);
    return weightedSmoothL1Loss(predictions, tf.tensor2d(targets, [numRois, width]), w, w, beta, Math.max(numRois, 1));
  });
}
