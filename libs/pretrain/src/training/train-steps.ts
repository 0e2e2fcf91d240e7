/**
 * One optimiser step of each model kind. Every tensor a step makes is freed before it returns
 * (the tests check tf.memory().numTensors stays constant); BN runs in train mode (batch
 * statistics, running statistics updated).
 */
import * as tf from '@tensorflow/tfjs';
import type { ResNet50 } from '@mgta/resnet';
import { batchHardTripletLoss } from '../triplet-loss.ts';
import { reconstructionLoss, totalLoss } from '../total-loss.ts';
import type { Adam } from './adam.ts';

export interface StepLosses {
  loss: number;
  reconstructionLoss?: number;
  tripletLoss?: number;
}

function optimise(adam: Adam, variables: tf.Variable[], f: (keep: (t: tf.Scalar) => void) => tf.Scalar): number[] {
  const kept: tf.Scalar[] = [];
  const { value, grads } = tf.variableGrads(() => f((t) => kept.push(tf.keep(t))), variables);
  adam.apply(grads);
  const values = [value, ...kept].map((t) => t.dataSync()[0]);
  tf.dispose([value, ...kept]);
  tf.dispose(grads);
  return values;
}

/**
 * Auto-encoder step: L = L_re (IAE), or L = L_re + λ·L_htri (MGTA, paper eq. 8) with the
 * batch-hard triplet loss on the global-average-pooled res5 embedding. Both terms are MEANS
 * (per pixel; per anchor), not the paper's sums (eqs. 6, 7) — pinned by the issue so that λ
 * weighs the terms the same way at any image and batch size (see total-loss.ts).
 */
export function autoEncoderStep(
  model: ResNet50, adam: Adam, variables: tf.Variable[], x: tf.Tensor4D, triplet?: { labels: Int32Array; lambda: number },
): StepLosses {
  const [loss, re, tri] = optimise(adam, variables, (keep) => {
    const outputs = model.forward(x, { outputs: triplet ? ['reconstruction', 'pool'] : ['reconstruction'], batchNorm: 'train' });
    const lre = reconstructionLoss(x, outputs.reconstruction);
    keep(lre);
    if (!triplet) return lre;
    const ltri = batchHardTripletLoss((outputs as { pool: tf.Tensor2D }).pool, triplet.labels);
    keep(ltri);
    return totalLoss(lre, ltri, triplet.lambda);
  });
  return triplet ? { loss, reconstructionLoss: re, tripletLoss: tri } : { loss, reconstructionLoss: re };
}

/** Supervised baseline step: softmax cross-entropy (mean over the batch) of fc(GAP(res5)). */
export function supervisedStep(model: ResNet50, adam: Adam, variables: tf.Variable[], x: tf.Tensor4D, labels: Int32Array, classes: number): StepLosses {
  const [loss] = optimise(adam, variables, () => {
    const { logits } = model.forward(x, { outputs: ['logits'], batchNorm: 'train' });
    return tf.losses.softmaxCrossEntropy(tf.oneHot(tf.tensor1d(labels, 'int32'), classes), logits) as tf.Scalar;
  });
  return { loss };
}
