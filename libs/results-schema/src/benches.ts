import type { BenchmarkRecord, EvaluationResult } from './index.ts';

/** A 95% bootstrap interval over test images (resampled with replacement), in AP units (0..1). */
export interface BootstrapInterval {
  low: number;
  high: number;
  resamples: number;
  seed: number;
}

/** One model's result in `results/voc07-cls/<preset>.json`. */
export interface Voc07ClsModelResult {
  /** Test APs per class (area AP is the paper's number; ap07 also given) with PR points. */
  evaluation: EvaluationResult;
  /** Per class: the cost chosen by 3-fold CV and its mean CV AP. */
  svm: Record<string, { cost: number; cvAp: number }>;
  mapInterval?: BootstrapInterval;
  features: { layer: string; dimension: number; trainvalSha256: string; testSha256: string };
  seconds: { extract: number; svm: number };
}

export type Voc07ClsRecord = BenchmarkRecord<Record<string, unknown>, Voc07ClsModelResult> & { benchmark: 'voc07-cls' };

/** One model's result in `results/voc-det/<preset>.json`, per training-set column ("07" or "07+12"). */
export interface VocDetModelResult {
  /** 'diverged' is the paper's '-': training hit a NaN/inf loss at `divergedAtIteration`. */
  status: 'ok' | 'diverged';
  divergedAtIteration?: number;
  /** VOC07 11-point mAP at IoU 0.5 (the paper's number) and area APs, per class. */
  evaluation?: EvaluationResult;
  /** detectron2's VOC evaluator numbers: area AP at IoU 0.5, 0.75 and the mean over 0.5:0.95. */
  ap50?: number;
  ap75?: number;
  apMean50to95?: number;
  map07Interval?: BootstrapInterval;
  iterations: number;
  seconds: { bodyFeatures: number; train: number; inference: number };
}

export type VocDetRecord = BenchmarkRecord<Record<string, unknown>, Record<string, VocDetModelResult>> & { benchmark: 'voc-det' };
