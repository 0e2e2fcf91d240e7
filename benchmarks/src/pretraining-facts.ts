import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelFingerprint } from '@mgta/results-schema';

/**
 * What a model's pretraining measured, copied into every bench record so that the tables can
 * show it beside the mAP (the models folder itself is not committed): the held-out diagnostics
 * and the training time. Nothing for an ONNX file or a checkpoint without a training.json.
 */
export function pretrainingFacts(modelPath: string): Pick<ModelFingerprint, 'diagnostics' | 'pretrainingSeconds'> {
  const file = join(modelPath, 'training.json');
  if (!existsSync(file)) return {};
  const training = JSON.parse(readFileSync(file, 'utf8')) as { summary?: { diagnostics?: ModelFingerprint['diagnostics'] }; timings?: { elapsedSeconds?: number } };
  return {
    ...(training.summary?.diagnostics ? { diagnostics: training.summary.diagnostics } : {}),
    ...(typeof training.timings?.elapsedSeconds === 'number' ? { pretrainingSeconds: training.timings.elapsedSeconds } : {}),
  };
}
