/**
 * The optimiser a preset picks (`pretrain.optimizer`, or a model's own): Adam (the default,
 * the paper's and today's) or SGD (momentum, Nesterov, coupled weight decay on conv / fc
 * weights only). Both keep their whole state as NamedWeights plus a step count, so a training
 * run saves and restores it exactly (training-run.ts).
 */
import type * as tf from '@tensorflow/tfjs';
import { tensorSpecs, type NamedWeights, type ResNet50 } from '@mgta/resnet';
import { Adam } from './adam.ts';
import { Sgd } from './sgd.ts';

export type OptimizerSpec =
  | { name: 'adam' }
  | { name: 'sgd'; momentum: number; nesterov: boolean; weightDecay: number };

export const DEFAULT_OPTIMIZER: OptimizerSpec = { name: 'adam' };

export interface OptimizerState {
  step: number;
  moments: NamedWeights;
}

/** What a trainer needs of an optimiser: one update at a given rate, and its state. */
export interface Optimizer {
  readonly name: OptimizerSpec['name'];
  step: number;
  apply(grads: tf.NamedTensorMap, learningRate?: number): void;
  exportState(): OptimizerState;
  importState(state: OptimizerState): void;
  dispose(): void;
}

/**
 * The tensors weight decay applies to: conv, transposed-conv and fc weights; never BN γ/β or a
 * bias (see sgd.ts for why).
 */
export function decayedTensors(model: ResNet50): Set<string> {
  return new Set(tensorSpecs(model.architecture)
    .filter((spec) => spec.kind === 'conv' || spec.kind === 'convTranspose' || spec.kind === 'linearWeight')
    .map((spec) => spec.name));
}

/** A fresh optimiser over `params` (trainable variables by torchvision name) of `model`. */
export function createOptimizer(spec: OptimizerSpec, model: ResNet50, params: ReadonlyMap<string, tf.Variable>, learningRate: number): Optimizer {
  if (spec.name === 'adam') return new Adam(params, { learningRate });
  const decayed = decayedTensors(model);
  return new Sgd(params, {
    learningRate, momentum: spec.momentum, nesterov: spec.nesterov, weightDecay: spec.weightDecay, decays: (name) => decayed.has(name),
  });
}
