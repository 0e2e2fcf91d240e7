/**
 * The held-out diagnostics of the "ResNet50 Random" model (`mgta pretrain random`), which is
 * initialised, not trained: when its data set has a holdout.txt, the k-means NMI of its
 * clustering feature and of the raw pixels on the held-out images, logged to the model dir's
 * metrics.jsonl and recorded in a training.json (status finished, summary.diagnostics) like the
 * trained models'. Without a holdout.txt nothing is written, as before.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { machineInfo, writeJsonAtomic } from '@mgta/core';
import { initBackend } from '@mgta/nn';
import { ResNet50, loadCheckpoint } from '@mgta/resnet';
import type { PretrainDiagnostics } from '@mgta/results-schema';
import { holdoutData, modelDiagnostics } from './diagnostics.ts';
import { HOLDOUT_FILE, splitHoldout } from './holdout.ts';
import { listImageSet } from './image-set.ts';
import { MetricsLog } from './metrics-log.ts';
import type { PretrainPreset } from './pretrain-preset.ts';

export interface RandomDiagnosticsRequest {
  /** The random model's checkpoint dir (models/<preset>/random). */
  dir: string;
  /** The pretraining images folder (its holdout.txt decides). */
  images: string;
  preset: PretrainPreset;
  presetName: string;
  seed: number;
  threads?: number;
}

export async function recordRandomDiagnostics(request: RandomDiagnosticsRequest): Promise<PretrainDiagnostics | null> {
  if (!existsSync(join(request.images, HOLDOUT_FILE))) return null;
  const split = splitHoldout(listImageSet(request.images));
  const holdout = holdoutData(split.holdout, request.preset.inputSize);
  if (!holdout) return null;
  const backend = await initBackend({ threads: request.threads });
  const checkpoint = await loadCheckpoint(request.dir);
  const model = ResNet50.fromNamedWeights(checkpoint.weights, checkpoint.manifest.architecture);
  let diagnostics: PretrainDiagnostics;
  try {
    diagnostics = await modelDiagnostics(model, holdout, {
      feature: request.preset.mgta.clusterFeature,
      batchSize: request.preset.featureBatchSize,
      kmeans: { seed: request.seed, restarts: request.preset.mgta.kmeansRestarts, maxIterations: request.preset.mgta.kmeansMaxIterations },
      pixelCache: join(dirname(request.dir), 'holdout-pixel-nmi.json'),
    });
  } finally {
    model.dispose();
  }
  const metrics = new MetricsLog(join(request.dir, 'metrics.jsonl'));
  metrics.truncate(0);
  metrics.append({ step: 0, phase: 'holdout/pixels', pixelNmi: diagnostics.pixelNmi });
  metrics.append({ step: 0, phase: 'holdout/nmi', heldOutNmi: diagnostics.heldOutNmi });
  writeJsonAtomic(join(request.dir, 'training.json'), {
    status: 'finished',
    model: 'random',
    preset: request.presetName,
    seed: request.seed,
    backend,
    data: { heldOut: { file: split.file, images: holdout.labels.length, fingerprint: holdout.set.fingerprint } },
    weightsSha256: checkpoint.manifest.weightsSha256,
    machine: machineInfo(),
    summary: { architecture: checkpoint.manifest.architecture, diagnostics },
  });
  return diagnostics;
}
