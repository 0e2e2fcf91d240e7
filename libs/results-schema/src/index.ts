import type { MachineInfo } from '@mgta/core';
export { softwareVersions } from './software.ts';
export { recordedPath, repositoryRoot } from './recorded-path.ts';
export { refuseToOverwriteInput } from './output-guard.ts';
export type { BootstrapInterval, LowShotRecord, Voc07ClsModelResult, Voc07ClsRecord, VocDetModelResult, VocDetRecord } from './benches.ts';

/** Bump when a field changes meaning or is removed; readers check it. */
export const RESULTS_SCHEMA_VERSION = 1;

/** The precision–recall points behind an AP (ranked detections / images, in rank order). */
export interface PrecisionRecall {
  recall: number[];
  precision: number[];
}

/** One class's evaluation. `null` AP means undefined (no positive ground truth). */
export interface ClassAp {
  /** VOC2010+ area under the monotone precision envelope. */
  ap: number | null;
  /** VOC2007 11-point interpolated AP. */
  ap07: number | null;
  /** Detection: non-difficult objects; classification: positive images. */
  npos: number;
  pr?: PrecisionRecall;
}

/** What `mgta eval-det|eval-cls --json` writes, and what every stage embeds. */
export interface EvaluationResult {
  classes: Record<string, ClassAp>;
  /** Mean of `ap` over classes whose AP is defined. */
  map: number | null;
  /** Mean of `ap07` over classes whose AP is defined. */
  map07: number | null;
  /** Classes whose result file was missing, scored AP 0 (only with --allow-missing; absent when none). */
  missing?: string[];
}

/** Where a number was computed: always recorded with a result. */
export interface ExecutionRecord {
  machine: MachineInfo;
  /** tfjs backend (`wasm`, `webgpu`, ...) or ORT execution provider (`cpu`, `webgpu`, ...). */
  backend?: string;
  executionProvider?: string;
  /** Threads of each job (of the one process when `jobs` is absent). */
  threads?: number;
  /** Models run at once, each in its own process with `threads` threads. */
  jobs?: number;
}

export interface SoftwareVersions {
  mgta: string;
  node: string;
  [packageName: string]: string;
}

export interface Fingerprint {
  /** Human name, e.g. `fashion-voc-embedded` or a path. */
  name: string;
  /** sha256 of the content that determines the numbers. */
  sha256: string;
}

/** A model in a record: its name and weights hash, plus what describes the network. */
export interface ModelFingerprint extends Fingerprint {
  /**
   * ResNet-50 width multiplier (every channel count times this; res4 has 1024·width channels).
   * Absent in records written before widths existed, which are all width 1.
   */
  width?: number;
  /**
   * ResNet v1 (Detectron's RESNETS.STRIDE_1X1): each stage's stride on its first 1x1 conv, not the
   * 3x3 as torchvision's v1.5. Written only when true; absent: v1.5 (every record before variants).
   */
  stride1x1?: true;
  /**
   * Held-out diagnostics from the model's pretraining summary (k-means NMI of its feature and of
   * the pixels, supervised accuracy); absent when its data set had no holdout.txt.
   */
  diagnostics?: import('./pretrain-metrics.ts').PretrainDiagnostics;
  /** Wall time of the model's pretraining run (training.json timings.elapsedSeconds), when it was trained here. */
  pretrainingSeconds?: number;
}

/** A full benchmark record: enough to reproduce and to compare numbers honestly. */
export interface BenchmarkRecord<Protocol = Record<string, unknown>, ModelResult = unknown> {
  schemaVersion: typeof RESULTS_SCHEMA_VERSION;
  benchmark: 'voc07-cls' | 'voc-det' | 'eval-cls' | 'eval-det';
  createdAt: string;
  preset?: string;
  dataset: Fingerprint;
  protocol: Protocol;
  seeds: Record<string, number>;
  software: SoftwareVersions;
  execution: ExecutionRecord;
  models: Record<string, { model: ModelFingerprint; result: ModelResult }>;
}
export type { PretrainDiagnostics, PretrainMetricFields, PretrainMetricLine } from './pretrain-metrics.ts';
