import type { BenchmarkRecord, EvaluationResult, ModelFingerprint } from './index.ts';

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
  /** Goyal's low-shot SVM on the same features, when the run asked for it. */
  lowShot?: LowShotRecord;
}

/**
 * Goyal et al. 2019's VOC07 low-shot SVM of one model and layer (libs/svm low-shot-svm.ts): per k,
 * test mAP over the independent samples at the cost with the best mean, as fractions (0..1).
 */
export interface LowShotRecord {
  /** The k values asked for. */
  kValues: number[];
  samples: number;
  seed: number;
  /** One per k that ran. */
  byK: Array<{
    k: number;
    cost: number;
    costIndex: number;
    mean: number;
    std: number;
    min: number;
    max: number;
    perSample: number[];
    meanByCost: number[];
    /** The draw seed of each sample. */
    seeds: number[];
  }>;
  /** The k values whose training split had too few images of some class. */
  skipped: Array<{ k: number; className: string; pool: 'positives' | 'negatives'; available: number; needed: number; reason: string }>;
  unconverged: number;
  seconds: number;
}

/**
 * `result` is the model's result at `protocol.features.layer`; a layer sweep (`--layers`) also
 * records every layer's result in `layers`, in sweep order.
 */
export type Voc07ClsRecord = Omit<BenchmarkRecord<Record<string, unknown>, Voc07ClsModelResult>, 'models'> & {
  benchmark: 'voc07-cls';
  models: Record<string, { model: ModelFingerprint; result: Voc07ClsModelResult; layers?: Record<string, Voc07ClsModelResult> }>;
};

/** Scale of feature values: root mean square and largest magnitude (null in JSON: not finite). */
export interface FeatureScaleRecord {
  rms: number;
  maxAbs: number;
  count: number;
}

/** The scale of the features a voc-det column trained on (unit scale, RMS ~1, is what the heads' initialisation and LR assume). */
export interface VocDetFeatureScales {
  /** The column's body res4 maps (all its training images, flips included) as the heads read them (float16). */
  body: FeatureScaleRecord;
  /** Over the RoIs of the iterations trained (a resumed run: those after the resume): RoI-pooled res4, the res5 head's input. */
  res5HeadInput?: FeatureScaleRecord;
  /** Likewise, the average-pooled res5 that cls_score and bbox_pred read. */
  res5Pooled?: FeatureScaleRecord;
}

/** The measured cause of a 'diverged' column. */
export interface VocDetDivergence {
  /** 1-based iteration whose loss was not finite. */
  iteration: number;
  lr: number;
  /** Loss terms (rpnCls, rpnBox, roiCls, roiBox; 'total' when only the sum overflowed) that were not finite: 'NaN', 'Infinity', '-Infinity'. */
  nonFiniteLosses: Record<string, string>;
  /** All four loss terms at that iteration (null: not finite). */
  losses: Record<string, number | null>;
  /** Trainable head tensors that already held NaN/Inf at that iteration (blown up by an earlier update). */
  nonFiniteWeights: string[];
  /** Head feature scale at that iteration. */
  features: { res5HeadInput: FeatureScaleRecord; res5Pooled: FeatureScaleRecord };
}

/** One model's result in `results/voc-det/<preset>.json`, per training-set column ("07" or "07+12"). */
export interface VocDetModelResult {
  /** 'diverged' is the paper's '-': training hit a NaN/inf loss at `divergedAtIteration`. */
  status: 'ok' | 'diverged';
  divergedAtIteration?: number;
  /** For 'diverged': the iteration, which loss went non-finite, and the feature scale then. Absent in records written before it was measured. */
  divergence?: VocDetDivergence;
  /** Scale of the body and head features (absent in records written before it was measured). */
  features?: VocDetFeatureScales;
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
