/**
 * One line of `models/<preset>/<model id>/metrics.jsonl`: written by pretraining, read by the
 * results report (which tolerates missing fields).
 */
export interface PretrainMetricFields {
  epoch?: number;
  loss?: number;
  reconstructionLoss?: number;
  tripletLoss?: number;
  lambda?: number;
  /** Clusters of the pseudo-labels, and their Calinski–Harabasz score. */
  k?: number;
  ch?: number;
  /** Agreement of the pseudo-labels with the hidden labels (a diagnostic the paper lacks). */
  nmi?: number;
  purity?: number;
  imagesPerSecond?: number;
  elapsedSeconds?: number;
}

export interface PretrainMetricLine extends PretrainMetricFields {
  step: number;
  phase: string;
}
