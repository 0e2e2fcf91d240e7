/**
 * One optimiser step of each model kind. Every tensor a step makes is freed before it returns
 * (the tests check tf.memory().numTensors stays constant); BN runs in train mode (batch
 * statistics, running statistics updated).
 */
import * as tf from '@tensorflow/tfjs';
import type { ResNet50 } from '@mgta/resnet';
import { batchHardTripletLoss } from '../triplet-loss.ts';
import { reconstructionLoss, totalLoss } from '../total-loss.ts';
import type { Optimizer } from './optimizer.ts';
import type { ClusterFeature } from './pretrain-preset.ts';

export interface StepLosses {
  loss: number;
  reconstructionLoss?: number;
  tripletLoss?: number;
}

function optimise(optimizer: Optimizer, variables: tf.Variable[], f: (keep: (t: tf.Scalar) => void) => tf.Scalar, learningRate?: number): number[] {
  const kept: tf.Scalar[] = [];
  const { value, grads } = tf.variableGrads(() => f((t) => kept.push(tf.keep(t))), variables);
  optimizer.apply(grads, learningRate);
  const values = [value, ...kept].map((t) => t.dataSync()[0]);
  tf.dispose([value, ...kept]);
  tf.dispose(grads);
  return values;
}

export interface TripletTerm {
  labels: Int32Array;
  lambda: number;
  /** The GAP layer the loss is on: res5 (default, the paper) or res4 (`pretrain.mgta.tripletFeature`). */
  feature?: ClusterFeature;
}

/**
 * The auto-encoder objective: L = L_re (IAE), or L = L_re + λ·L_htri (MGTA, paper eq. 8) with
 * the batch-hard triplet loss on the global-average-pooled res5 (or res4) embedding. Both terms
 * are MEANS (per pixel; per anchor), not the paper's sums (eqs. 6, 7) — pinned by the issue so
 * that λ weighs the terms the same way at any image and batch size (see total-loss.ts). `keep`
 * receives L_re and L_htri (for logging).
 */
export function autoEncoderObjective(model: ResNet50, x: tf.Tensor4D, triplet?: TripletTerm, keep: (t: tf.Scalar) => void = () => {}): tf.Scalar {
  const pool = triplet?.feature === 'res4' ? 'pool4' : 'pool';
  const outputs = model.forward(x, { outputs: triplet ? ['reconstruction', pool] : ['reconstruction'], batchNorm: 'train' });
  const lre = reconstructionLoss(x, outputs.reconstruction);
  keep(lre);
  if (!triplet) return lre;
  const ltri = batchHardTripletLoss((outputs as Record<string, tf.Tensor>)[pool] as tf.Tensor2D, triplet.labels);
  keep(ltri);
  return totalLoss(lre, ltri, triplet.lambda);
}

/** One optimiser step on the auto-encoder objective, at `learningRate` (default the optimiser's). */
export function autoEncoderStep(
  model: ResNet50, optimizer: Optimizer, variables: tf.Variable[], x: tf.Tensor4D, triplet?: TripletTerm, learningRate?: number,
): StepLosses {
  const [loss, re, tri] = optimise(optimizer, variables, (keep) => autoEncoderObjective(model, x, triplet, keep), learningRate);
  return triplet ? { loss, reconstructionLoss: re, tripletLoss: tri } : { loss, reconstructionLoss: re };
}

/** Supervised baseline step: softmax cross-entropy (mean over the batch) of fc(GAP(res5)). */
export function supervisedStep(
  model: ResNet50, optimizer: Optimizer, variables: tf.Variable[], x: tf.Tensor4D, labels: Int32Array, classes: number, learningRate?: number,
): StepLosses {
  const [loss] = optimise(optimizer, variables, () => {
    const { logits } = model.forward(x, { outputs: ['logits'], batchNorm: 'train' });
    return tf.losses.softmaxCrossEntropy(tf.oneHot(tf.tensor1d(labels, 'int32'), classes), logits) as tf.Scalar;
  }, learningRate);
  return { loss };
}
