/**
 * The supervised baseline: ResNet-50 encoder + GAP + fc trained with softmax cross-entropy on
 * the HIDDEN class labels of the pretraining set (the only trainer that reads them), with the
 * IAE's optimiser (Adam lr 1e-3), batch size and flips (or the preset's own for this model:
 * training-options.ts). The checkpoint keeps the fc head. With a hold-out (holdout.ts), its
 * top-1 accuracy on the held-out images is logged after every epoch (phase holdout/accuracy).
 */
import { InputError, startProgress } from '@mgta/core';
import { ResNet50, type ResNet50Architecture } from '@mgta/resnet';
import { trainableParams } from './adam.ts';
import { heldOutAccuracy } from './diagnostics.ts';
import type { PretrainJob, TrainerResult } from './job.ts';
import { presetWidth } from './pretrain-preset.ts';
import { epochRandom, onAugmentedBatch, shuffledBatches } from './seeded-epoch.ts';
import { supervisedStep } from './train-steps.ts';

export async function trainSupervised(job: PretrainJob): Promise<TrainerResult> {
  const { preset, seed, loader, run, set, training, holdout } = job;
  if (!set.labels || !set.classNames) {
    throw new InputError(set.root, 'the supervised baseline needs class labels (labels.txt, or one subfolder per class)');
  }
  const labels = set.labels;
  const classes = set.classNames.length;
  const architecture: ResNet50Architecture = { name: 'resnet50', decoder: false, headClasses: classes, ...presetWidth(preset) };
  const model = run.net('supervised', architecture, () => ResNet50.random(architecture, seed));
  const optimizer = run.optimizer('supervised');
  const variables = [...trainableParams(model.namedVariables()).values()];
  const all = Array.from({ length: set.files.length }, (_, i) => i);
  const batchesOf = (epoch: number) => shuffledBatches(all, training.batchSize, epochRandom(seed, 'supervised', epoch));
  run.totalSteps = preset.supervised.epochs * batchesOf(0).length;
  const progress = startProgress(`${job.label} supervised`, run.totalSteps);
  progress.tick(run.position.globalStep);
  // Kept in the run's extra (saved with the state), so a run resumed after its last epoch still reports it.
  const evaluate = holdout ? async (epoch: number) => {
    const accuracy = await heldOutAccuracy(model, holdout, preset.featureBatchSize);
    run.extra = { ...run.extra, heldOutAccuracy: accuracy };
    run.log({ phase: 'holdout/accuracy', epoch, heldOutAccuracy: accuracy });
  } : undefined;
  try {
    await run.epochs('supervised', preset.supervised.epochs, batchesOf, (batch, epoch, index, lr) =>
      onAugmentedBatch(loader, batch, { seed, phase: 'supervised', epoch, index, flip: training.flip, shift: training.shift }, (x) =>
        supervisedStep(model, optimizer, variables, x, Int32Array.from(batch, (i) => labels[i]), classes, lr)),
    () => progress.tick(), evaluate);
  } finally {
    progress.stop();
  }
  return { weights: model.toNamedWeights(), summary: { architecture, classNames: set.classNames, epochs: preset.supervised.epochs, steps: run.position.globalStep } };
}
