/**
 * iae-long (issue 11): a control for MGTA. The IAE trained on, from its checkpoint, with λ = 0
 * (reconstruction only, no triplet term) for as many image-steps as MGTA's result net N2 trains
 * after leaving the IAE (its stages on D2 and the final stage on all images, for the preset's
 * first K: the mgta-k<K1> model), with MGTA's optimiser, learning rate and schedule and its
 * P·K-image batches. If MGTA beats iae-long, the triplet term helped; if not, MGTA's gain over
 * the IAE was just more training.
 *
 * Batches: each epoch a seeded shuffle of all images cut into full batches of P·K (the rest of
 * the shuffle is dropped, so every step shows P·K images, as an MGTA step does); the last epoch
 * stops when the step count is reached. Flips as the preset says.
 */
import { InputError, startProgress } from '@mgta/core';
import { ResNet50, type NamedWeights } from '@mgta/resnet';
import { trainableParams } from './adam.ts';
import type { PretrainJob, TrainerResult } from './job.ts';
import type { PretrainPreset } from './pretrain-preset.ts';
import { epochRandom, onAugmentedBatch } from './seeded-epoch.ts';
import { autoEncoderArchitecture } from './train-iae.ts';
import { plannedMgtaSteps } from './train-mgta.ts';
import { autoEncoderStep } from './train-steps.ts';

/** N2's steps and image-steps after leaving the IAE in the preset's mgta-k<K1> run on n images. */
export function iaeLongBudget(preset: Pick<PretrainPreset, 'mgta'>, n: number, seed: number): { k: number; steps: number; imageSteps: number } {
  const k = preset.mgta.k[0];
  const steps = plannedMgtaSteps(preset.mgta, n, seed, k).filter((stage) => stage.learner === 'N2').reduce((sum, stage) => sum + stage.steps, 0);
  return { k, steps, imageSteps: steps * preset.mgta.P * preset.mgta.K };
}

export async function trainIaeLong(job: PretrainJob, options: { iae: NamedWeights }): Promise<TrainerResult> {
  const { preset, seed, loader, run, set, training } = job;
  const n = set.files.length;
  const batchSize = training.batchSize;
  const perEpoch = Math.floor(n / batchSize);
  if (perEpoch < 1) throw new InputError(set.root, `holds ${n} pretraining images, fewer than one P·K batch of ${batchSize}`);
  const budget = iaeLongBudget(preset, n, seed);
  const epochs = Math.ceil(budget.steps / perEpoch);
  const architecture = autoEncoderArchitecture(preset.decoderFrom, preset.width);
  const model = run.net('iae-long', architecture, () => ResNet50.fromNamedWeights(options.iae));
  // As in the IAE: with the decoder on res4 and no triplet term, nothing reaches layer4.
  if (preset.decoderFrom === 'res4') model.setTrainable('layer4', false);
  const optimizer = run.optimizer('iae-long');
  const variables = [...trainableParams(model.namedVariables()).values()];
  const all = Array.from({ length: n }, (_, i) => i);
  const batchesOf = (epoch: number): number[][] => {
    const order = epochRandom(seed, 'iae-long', epoch).shuffle(all.slice());
    const count = Math.min(perEpoch, budget.steps - epoch * perEpoch);
    return Array.from({ length: Math.max(0, count) }, (_, b) => order.slice(b * batchSize, (b + 1) * batchSize));
  };
  run.totalSteps = budget.steps;
  const progress = startProgress(`${job.label} iae-long`, budget.steps);
  progress.tick(run.position.globalStep);
  try {
    await run.epochs('iae-long', epochs, batchesOf, (batch, epoch, index, lr) =>
      onAugmentedBatch(loader, batch, { seed, phase: 'iae-long', epoch, index, flip: training.flip, shift: training.shift }, (x) => autoEncoderStep(model, optimizer, variables, x, undefined, lr)),
    () => progress.tick());
  } finally {
    progress.stop();
  }
  return {
    weights: model.toNamedWeights(),
    summary: {
      architecture, startsFrom: 'iae', controlFor: `mgta-k${budget.k}`, lambda: 0, batchSize, epochs,
      trainedGroups: preset.decoderFrom === 'res4' ? 'all but layer4 (not on the res4 reconstruction path)' : 'all',
      steps: run.position.globalStep, imageSteps: run.position.globalStep * batchSize, n2ImageSteps: budget.imageSteps,
    },
  };
}
