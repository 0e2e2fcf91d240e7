/**
 * `metrics.jsonl` of a model: one JSON object per line (step, epoch, phase, lr, loss,
 * reconstructionLoss, tripletLoss, lambda, k, ch, nmi, purity, imagesPerSecond, elapsedSeconds;
 * the results report reads these names; with a hold-out, phases holdout/accuracy, holdout/nmi
 * and holdout/pixels carry heldOutAccuracy, heldOutNmi and pixelNmi). On resume the file is cut back to the number of lines
 * the saved state had seen, so it reads exactly as an uninterrupted run's (timings aside).
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { withFsWriteErrors, writeFileAtomic } from '@mgta/core';
import type { PretrainMetricFields, PretrainMetricLine } from '@mgta/results-schema';

export type MetricFields = PretrainMetricFields;
export type MetricLine = PretrainMetricLine;

export class MetricsLog {
  lines = 0;
  constructor(readonly file: string) {}

  /** Keeps the first `lines` lines (0: starts a new file). */
  truncate(lines: number): void {
    const kept = existsSync(this.file) ? readFileSync(this.file, 'utf8').split('\n').filter((l) => l.trim() !== '').slice(0, lines) : [];
    writeFileAtomic(this.file, kept.map((l) => `${l}\n`).join(''));
    this.lines = kept.length;
  }

  append(line: MetricLine): void {
    withFsWriteErrors(this.file, () => appendFileSync(this.file, `${JSON.stringify(line)}\n`));
    this.lines++;
  }
}
