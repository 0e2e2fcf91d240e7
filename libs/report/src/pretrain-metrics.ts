import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PretrainMetricLine } from '@mgta/results-schema';

/**
 * One line of `models/<preset>/<model id>/metrics.jsonl`, written by pretraining. Every
 * field is optional here: the report draws what a line has and skips what it lacks.
 */
export type PretrainMetric = Partial<PretrainMetricLine>;

export interface PretrainMetrics {
  file: string;
  /** Lines in file order, with `step` filled in (the line's position when absent). */
  lines: Array<PretrainMetric & { step: number }>;
  /** Lines that were not a JSON object, skipped. */
  skipped: number;
}

const NUMERIC_FIELDS = ['step', 'epoch', 'loss', 'reconstructionLoss', 'tripletLoss', 'lambda', 'k', 'ch', 'nmi', 'purity'] as const;

export function metricsFile(modelsDir: string, preset: string, modelId: string): string {
  return join(modelsDir, preset, modelId, 'metrics.jsonl');
}

/** The model's pretraining metrics, or undefined when it has no metrics file (e.g. `random`). */
export function readPretrainMetrics(modelsDir: string, preset: string, modelId: string): PretrainMetrics | undefined {
  const file = metricsFile(modelsDir, preset, modelId);
  if (!existsSync(file)) return undefined;
  const lines: PretrainMetrics['lines'] = [];
  let skipped = 0;
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((text, index) => {
      if (text.trim() === '') return;
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        // A run killed mid-write leaves a torn last line; the rest is still worth drawing.
        skipped++;
        return;
      }
      if (json === null || typeof json !== 'object' || Array.isArray(json)) {
        skipped++;
        return;
      }
      const raw = json as Record<string, unknown>;
      const line: PretrainMetric = {};
      for (const field of NUMERIC_FIELDS) {
        const value = raw[field];
        if (typeof value === 'number' && Number.isFinite(value)) line[field] = value;
      }
      if (typeof raw.phase === 'string') line.phase = raw.phase;
      lines.push({ ...line, step: line.step ?? index });
    });
  return { file, lines, skipped };
}

/** The K the MGTA phase clustered with last (the chosen K), if the metrics record it. */
export function chosenK(metrics: PretrainMetrics | undefined): number | undefined {
  if (!metrics) return undefined;
  for (let i = metrics.lines.length - 1; i >= 0; i--) if (metrics.lines[i].k !== undefined) return metrics.lines[i].k;
  return undefined;
}

/** Long-form points `{step, series, value}` of the named fields, for a line chart. */
export function seriesPoints(metrics: PretrainMetrics, fields: ReadonlyArray<keyof PretrainMetric>): Array<{ step: number; series: string; value: number }> {
  const points: Array<{ step: number; series: string; value: number }> = [];
  for (const line of metrics.lines) {
    for (const field of fields) {
      const value = line[field];
      if (typeof value === 'number') points.push({ step: line.step, series: String(field), value });
    }
  }
  return points;
}
