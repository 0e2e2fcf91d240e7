/**
 * The `pretrain` section of a preset (benchmarks/presets/<name>.json): the sizes of the four
 * pretrained models' runs (IAE, MGTA with the preset's two K values, supervised) and the seed.
 * The paper's values (§4.2) are in the `paper` preset; `ci` and `embedded` are sized to fit a
 * CPU budget, which their `comment` field explains.
 */
import { InputError } from '@mgta/core';
import type { Preset } from '@mgta/presets';
import { checkWidth, type ResNet50Architecture } from '@mgta/resnet';
import type { ScheduleSpec } from './lr-schedule.ts';
import type { OptimizerSpec } from './optimizer.ts';
import { fieldChecks, parseOptimizer, parseOverrides, parseSchedule, type TrainingOverrides } from './training-options.ts';

export type ClusterFeature = 'res5' | 'res4';

export interface PretrainPreset {
  comment: string;
  /** Seed of everything random in pretraining (subset, split, order, flips, init, k-means). */
  seed: number;
  /** Images used for pretraining: a seeded subset of this many, or all when null. */
  images: number | null;
  /** Square input side: every image is resized to inputSize × inputSize. */
  inputSize: number;
  /** Batch size of IAE and supervised training (MGTA batches are P·K). */
  batchSize: number;
  /** Peak learning rate (the issue pinned Adam 1e-3 for every model; a model may override it). */
  learningRate: number;
  /**
   * Optional (issue 11; see training-options.ts), each left out of the parsed section when the
   * preset does not give it: the optimiser (default Adam), the LR schedule (default constant),
   * random horizontal flips (default true), and whether the iae-long control model is one of
   * the preset's models (default false).
   */
  optimizer?: OptimizerSpec;
  schedule?: ScheduleSpec;
  flip?: boolean;
  iaeLong?: boolean;
  /** Encoder depth the decoder reads: the paper uses res5; res4 is cheaper on a CPU. */
  decoderFrom: 'res5' | 'res4';
  /**
   * ResNet-50 width multiplier of every model the preset trains (and of its random model):
   * every channel count times this (0.25: res4 256, res5 512). Optional, default 1; left out of
   * the parsed section when the preset does not give it, so existing runs record what they did.
   */
  width?: number;
  /** Write a resumable state every this many steps (and at every epoch end). */
  checkpointEverySteps: number;
  /** Batch size of the feature extraction before clustering (forward only). */
  featureBatchSize: number;
  /** Per-model overrides of learningRate, optimizer, schedule, batchSize (optional). */
  iae: { epochs: number } & TrainingOverrides;
  supervised: { epochs: number } & TrainingOverrides;
  /** Overrides of learningRate, optimizer, schedule (optional; MGTA batches are P·K). */
  mgta: Omit<TrainingOverrides, 'batchSize'> & {
    /** Mutual-guidance iterations (paper: 10). */
    T: number;
    /** Epochs per training step (paper: 10). */
    E: number;
    /** Clusters per batch and images per cluster of the PK batches. */
    P: number;
    K: number;
    /** The two fixed K values of the mgta-k1 / mgta-k2 models (paper: 100 and 300). */
    k: [number, number];
    /** Candidate K values when K is chosen by Calinski–Harabasz (`--k ch`). */
    kCandidates: number[];
    /** The feature that is clustered: global-average-pooled res5 (default) or res4. */
    clusterFeature: ClusterFeature;
    /**
     * The GAP layer of the triplet loss (optional, default res5 = the paper). When given it must
     * be the clustering layer too, so the pseudo-labels cluster the embedding the triplet loss
     * shapes. res4 suits decoderFrom res4, where layer4 is on no loss path of the IAE.
     */
    tripletFeature?: ClusterFeature;
    /**
     * Keep each net's optimiser state across MGTA stages (optional, default false = a fresh
     * optimiser per stage, as before).
     */
    keepOptimizerState?: boolean;
    kmeansRestarts: number;
    kmeansMaxIterations: number;
  };
}

type Json = Record<string, unknown>;

export function pretrainPreset(preset: Preset, file: string): PretrainPreset {
  return parsePretrainPreset(preset.pretrain, file);
}

export function parsePretrainPreset(value: unknown, file: string): PretrainPreset {
  const obj = (v: unknown, field: string): Json => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new InputError(file, `must be an object, got ${JSON.stringify(v) ?? 'nothing'}`, { field });
    return v as Json;
  };
  const int = (parent: Json, key: string, field: string, min: number, max = Number.MAX_SAFE_INTEGER): number => {
    const v = parent[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      throw new InputError(file, `must be an integer in [${min}, ${max}], got ${JSON.stringify(v) ?? 'nothing'}`, { field: `${field}.${key}` });
    }
    return v;
  };
  const oneOf = <T extends string>(parent: Json, key: string, field: string, options: readonly T[]): T => {
    const v = parent[key];
    if (typeof v !== 'string' || !options.includes(v as T)) {
      throw new InputError(file, `must be one of ${options.join(', ')}, got ${JSON.stringify(v) ?? 'nothing'}`, { field: `${field}.${key}` });
    }
    return v as T;
  };
  const intList = (parent: Json, key: string, field: string, min: number): number[] => {
    const v = parent[key];
    if (!Array.isArray(v) || v.length === 0 || !v.every((x) => Number.isInteger(x) && x >= min)) {
      throw new InputError(file, `must be a non-empty list of integers ≥ ${min}, got ${JSON.stringify(v) ?? 'nothing'}`, { field: `${field}.${key}` });
    }
    return v as number[];
  };
  if (value === undefined) throw new InputError(file, 'the preset has no pretrain section', { field: 'pretrain' });
  const p = obj(value, 'pretrain');
  if (typeof p.comment !== 'string') throw new InputError(file, 'must be a string explaining the budget', { field: 'pretrain.comment' });
  const lr = p.learningRate;
  if (typeof lr !== 'number' || !(lr > 0)) throw new InputError(file, `must be a positive number, got ${JSON.stringify(lr)}`, { field: 'pretrain.learningRate' });
  const images = p.images === null ? null : int(p, 'images', 'pretrain', 4);
  const decoderFrom = oneOf(p, 'decoderFrom', 'pretrain', ['res5', 'res4'] as const);
  const inputSize = int(p, 'inputSize', 'pretrain', 16, 1024);
  const stride = decoderFrom === 'res5' ? 32 : 16;
  if (inputSize % stride !== 0) {
    throw new InputError(file, `must be divisible by ${stride} (the stride of ${decoderFrom}) so the decoder comes back at the input size`, { field: 'pretrain.inputSize' });
  }
  let width: number | undefined;
  if (p.width !== undefined) {
    try {
      width = checkWidth(p.width, 'the width');
    } catch (error) {
      throw new InputError(file, (error as Error).message, { field: 'pretrain.width' });
    }
  }
  const m = obj(p.mgta, 'pretrain.mgta');
  const k = intList(m, 'k', 'pretrain.mgta', 2);
  if (k.length !== 2) throw new InputError(file, 'must list exactly two K values (the paper\'s 100 and 300)', { field: 'pretrain.mgta.k' });
  const iaeSection = obj(p.iae, 'pretrain.iae');
  const supervisedSection = obj(p.supervised, 'pretrain.supervised');
  const clusterFeature = oneOf(m, 'clusterFeature', 'pretrain.mgta', ['res5', 'res4'] as const);
  const checks = fieldChecks(file);
  const tripletFeature = m.tripletFeature === undefined ? undefined : oneOf(m, 'tripletFeature', 'pretrain.mgta', ['res5', 'res4'] as const);
  if (tripletFeature !== undefined && tripletFeature !== clusterFeature) {
    throw new InputError(file, `is ${tripletFeature} but pretrain.mgta.clusterFeature is ${clusterFeature}: the triplet loss and the clustering use the same GAP layer`, { field: 'pretrain.mgta.tripletFeature' });
  }
  return {
    comment: p.comment,
    seed: int(p, 'seed', 'pretrain', 0, 2 ** 32 - 1),
    images,
    inputSize,
    batchSize: int(p, 'batchSize', 'pretrain', 2),
    learningRate: lr,
    decoderFrom,
    ...(width !== undefined ? { width } : {}),
    ...(p.optimizer !== undefined ? { optimizer: parseOptimizer(p.optimizer, 'pretrain.optimizer', file) } : {}),
    ...(p.schedule !== undefined ? { schedule: parseSchedule(p.schedule, 'pretrain.schedule', file) } : {}),
    ...(p.flip !== undefined ? { flip: checks.boolean(p.flip, 'pretrain.flip') } : {}),
    ...(p.iaeLong !== undefined ? { iaeLong: checks.boolean(p.iaeLong, 'pretrain.iaeLong') } : {}),
    checkpointEverySteps: int(p, 'checkpointEverySteps', 'pretrain', 1),
    featureBatchSize: int(p, 'featureBatchSize', 'pretrain', 1),
    iae: { epochs: int(iaeSection, 'epochs', 'pretrain.iae', 1), ...parseOverrides(iaeSection, 'pretrain.iae', file, { batchSize: true, inputSize }) },
    supervised: { epochs: int(supervisedSection, 'epochs', 'pretrain.supervised', 1), ...parseOverrides(supervisedSection, 'pretrain.supervised', file, { batchSize: true, inputSize }) },
    mgta: {
      T: int(m, 'T', 'pretrain.mgta', 1),
      E: int(m, 'E', 'pretrain.mgta', 1),
      P: int(m, 'P', 'pretrain.mgta', 2),
      K: int(m, 'K', 'pretrain.mgta', 2),
      k: [k[0], k[1]],
      kCandidates: intList(m, 'kCandidates', 'pretrain.mgta', 2),
      clusterFeature,
      ...(tripletFeature !== undefined ? { tripletFeature } : {}),
      ...(m.keepOptimizerState !== undefined ? { keepOptimizerState: checks.boolean(m.keepOptimizerState, 'pretrain.mgta.keepOptimizerState') } : {}),
      kmeansRestarts: int(m, 'kmeansRestarts', 'pretrain.mgta', 1),
      kmeansMaxIterations: int(m, 'kmeansMaxIterations', 'pretrain.mgta', 1),
      ...parseOverrides(m, 'pretrain.mgta', file, { batchSize: false, inputSize }),
    },
  };
}

/** The architecture fields the preset sets: its width, when it gives one other than 1. */
export function presetWidth(preset: Pick<PretrainPreset, 'width'>): Pick<ResNet50Architecture, 'width'> {
  return preset.width !== undefined && preset.width !== 1 ? { width: preset.width } : {};
}
