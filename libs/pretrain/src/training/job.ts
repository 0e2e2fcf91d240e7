/** What every trainer gets: the preset's pretrain section, the data, the seed, where to write. */
import type { Holdout } from './diagnostics.ts';
import type { ImageLoader } from './image-loader.ts';
import type { ImageSet } from './image-set.ts';
import type { PretrainPreset } from './pretrain-preset.ts';
import type { ModelTraining } from './training-options.ts';
import type { TrainingRun } from './training-run.ts';
import type { NamedWeights } from '@mgta/resnet';

export interface PretrainJob {
  preset: PretrainPreset;
  seed: number;
  set: ImageSet;
  loader: ImageLoader;
  run: TrainingRun;
  /** The model's optimiser, learning rate, schedule, batch size and flips (training-options.ts). */
  training: ModelTraining;
  /** The held-out images (holdout.txt) for diagnostics, or null; `set` never holds them. */
  holdout: Holdout | null;
  /** Progress bar label prefix, e.g. 'iae ci'. */
  label: string;
}

export interface TrainerResult {
  weights: NamedWeights;
  /** Recorded in training.json and the checkpoint manifest. */
  summary: Record<string, unknown>;
}
