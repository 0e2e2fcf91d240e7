/**
 * The supervised baseline: ResNet-50 encoder + GAP + fc trained with softmax cross-entropy on
 * the HIDDEN class labels of the pretraining set (the only trainer that reads them), with the
 * IAE's optimiser (Adam lr 1e-3), batch size and flips. The checkpoint keeps the fc head.
 */
import { InputError, startProgress } from '@mgta/core';
import { ResNet50, type ResNet50Architecture } from '@mgta/resnet';
import { trainableParams } from './adam.ts';
import type { PretrainJob, TrainerResult } from './job.ts';
import { presetWidth } from './pretrain-preset.ts';
import { epochRandom, onFlippedBatch, shuffledBatches } from './seeded-epoch.ts';
import { supervisedStep } from './train-steps.ts';

export async function trainSupervised(job: PretrainJob): Promise<TrainerResult> {
  const { preset, seed, loader, run, set } = job;
  if (!set.labels || !set.classNames) {
    throw new InputError(set.root, 'the supervised baseline needs class labels (labels.txt, or one subfolder per class)');
  }
  const labels = set.labels;
  const classes = set.classNames.length;
  const architecture: ResNet50Architecture = { name: 'resnet50', decoder: false, headClasses: classes, ...presetWidth(preset) };
  const model = run.net('supervised', architecture, () => ResNet50.random(architecture, seed));
  const adam = run.optimizer('supervised');
  const variables = [...trainableParams(model.namedVariables()).values()];
  const all = Array.from({ length: set.files.length }, (_, i) => i);
  const batchesOf = (epoch: number) => shuffledBatches(all, preset.batchSize, epochRandom(seed, 'supervised', epoch));
  const progress = startProgress(`${job.label} supervised`, preset.supervised.epochs * batchesOf(0).length);
  progress.tick(run.position.globalStep);
  try {
    await run.epochs('supervised', preset.supervised.epochs, batchesOf, (batch, epoch, index) =>
      onFlippedBatch(loader, batch, { seed, phase: 'supervised', epoch, index }, (x) =>
        supervisedStep(model, adam, variables, x, Int32Array.from(batch, (i) => labels[i]), classes)),
    () => progress.tick());
  } finally {
    progress.stop();
  }
  return { weights: model.toNamedWeights(), summary: { architecture, classNames: set.classNames, epochs: preset.supervised.epochs, steps: run.position.globalStep } };
}
