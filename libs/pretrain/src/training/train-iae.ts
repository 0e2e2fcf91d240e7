/**
 * IAE (paper §3.4, §4.2): ResNet-50 encoder + Table 1 decoder trained to reconstruct every
 * pretraining image, MSE (mean per pixel) against the normalised input, Adam lr 1e-3,
 * horizontal flips only (the paper's; a preset may set another optimiser, schedule, batch size
 * or turn the flips off: training-options.ts). The decoder reads res5 as in the paper, or res4
 * when the preset picks it for CPU speed (recorded in the checkpoint's architecture).
 */
import { startProgress } from '@mgta/core';
import { ResNet50, type ResNet50Architecture } from '@mgta/resnet';
import { trainableParams } from './adam.ts';
import type { PretrainJob, TrainerResult } from './job.ts';
import { epochRandom, onAugmentedBatch, shuffledBatches } from './seeded-epoch.ts';
import { autoEncoderStep } from './train-steps.ts';

/** The auto-encoder (IAE, MGTA's N1/N2): ResNet-50 (at the preset's width) + Table 1 decoder. */
export function autoEncoderArchitecture(decoderFrom: 'res5' | 'res4', width = 1): ResNet50Architecture {
  return { name: 'resnet50', decoder: true, decoderFrom, ...(width !== 1 ? { width } : {}) };
}

export async function trainIae(job: PretrainJob): Promise<TrainerResult> {
  const { preset, seed, loader, run, training } = job;
  const architecture = autoEncoderArchitecture(preset.decoderFrom, preset.width);
  const model = run.net('iae', architecture, () => ResNet50.random(architecture, seed));
  // With the decoder on res4, layer4 (res5) is not on the reconstruction path: it gets no
  // gradient and keeps its seeded random init (MGTA's triplet loss on GAP-res5 trains it later).
  if (preset.decoderFrom === 'res4') model.setTrainable('layer4', false);
  const optimizer = run.optimizer('iae');
  const variables = [...trainableParams(model.namedVariables()).values()];
  const n = job.set.files.length;
  const all = Array.from({ length: n }, (_, i) => i);
  const batchesOf = (epoch: number) => shuffledBatches(all, training.batchSize, epochRandom(seed, 'iae', epoch));
  const total = preset.iae.epochs * batchesOf(0).length;
  run.totalSteps = total;
  const progress = startProgress(`${job.label} iae`, total);
  progress.tick(run.position.globalStep);
  try {
    await run.epochs('iae', preset.iae.epochs, batchesOf, (batch, epoch, index, lr) =>
      onAugmentedBatch(loader, batch, { seed, phase: 'iae', epoch, index, flip: training.flip, shift: training.shift }, (x) => autoEncoderStep(model, optimizer, variables, x, undefined, lr)),
    () => progress.tick());
  } finally {
    progress.stop();
  }
  return { weights: model.toNamedWeights(), summary: { architecture, trainedGroups: preset.decoderFrom === 'res4' ? 'all but layer4 (not on the res4 reconstruction path)' : 'all', epochs: preset.iae.epochs, steps: run.position.globalStep } };
}
