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
  /** Learning rate of the step (the schedule's value at that global step). */
  lr?: number;
  /** Held-out diagnostics (see PretrainDiagnostics): logged after an epoch / at the end. */
  heldOutAccuracy?: number;
  heldOutNmi?: number | null;
  pixelNmi?: number | null;
  imagesPerSecond?: number;
  elapsedSeconds?: number;
}

export interface PretrainMetricLine extends PretrainMetricFields {
  step: number;
  phase: string;
}

/**
 * Held-out diagnostics of a pretrained model, in its training summary (`summary.diagnostics` of
 * training.json and of the checkpoint manifest's `training`), present when the data set has a
 * holdout.txt: images that no pretraining saw.
 */
export interface PretrainDiagnostics {
  /** The GAP layer whose embedding is clustered. */
  feature: 'res5' | 'res4';
  heldOutImages: number;
  /** NMI of k-means (k = number of classes) on the feature vs the hidden labels; null with fewer images than classes. */
  heldOutNmi: number | null;
  /** The same on the raw pixels at the input size: the floor a feature should beat. */
  pixelNmi: number | null;
  /** Supervised model: top-1 accuracy on the held-out images after its last epoch. */
  heldOutAccuracy?: number;
}
