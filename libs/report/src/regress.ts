import { InputError } from '@mgta/core';
import type { Voc07ClsRecord, VocDetRecord } from '@mgta/results-schema';

/**
 * The regression check of the seeded `ci` runs: every mAP and per-class AP, in percent
 * points, against `results/baseline/ci.json`.
 *
 * Why a tolerance at all, when every run is seeded: the same seed does not give bit-equal
 * floats everywhere. Float sums depend on their order, and that order changes with the
 * thread count (ORT's intra-op thread pool, tfjs-wasm's SIMD/threads build, k-means and SVM
 * reductions split across workers), with the ONNX Runtime version (kernel choice: GEMM
 * blocking, fused conv paths, MLAS vs. other kernels per CPU feature set), and with the CPU
 * (AVX2 vs. AVX-512 paths). A ULP-level difference in a feature can flip an SVM support
 * vector or a tied detection score, moving an AP visibly on a few hundred test images.
 * 0.5 points absorbs that and still catches real regressions; anything larger than the
 * tolerance, up or down, fails, since a seeded run should reproduce: an improvement is
 * recorded deliberately with `--update`.
 */
export const DEFAULT_TOLERANCE_POINTS = 0.5;

export interface Baseline {
  schemaVersion: 1;
  preset: string;
  tolerancePoints: number;
  /** `<bench>/<model>/<metric>` → value in percent points (or an iteration, for `divergedAt@<column>`). */
  metrics: Record<string, number>;
}

/**
 * Every number the check compares, keyed `<bench>/<model>/<metric>`:
 * - `voc07-cls/<model>/mAP` and `voc07-cls/<model>/AP:<class>` (area AP, Table 2's number);
 * - `voc-det/<model>/mAP07@<column>` and `voc-det/<model>/AP07@<column>:<class>` (11-point, Table 3's);
 * - `voc-det/<model>/divergedAt@<column>` for a diverged training, the iteration (compared exactly).
 * APs in percent points; undefined APs (no positives) are left out.
 */
export function extractMetrics(records: { cls?: Voc07ClsRecord; det?: VocDetRecord }): Record<string, number> {
  const metrics: Record<string, number> = {};
  const put = (key: string, value: number | null | undefined, scale = 100): void => {
    if (value !== null && value !== undefined) metrics[key] = value * scale;
  };
  for (const [model, { result }] of Object.entries(records.cls?.models ?? {})) {
    put(`voc07-cls/${model}/mAP`, result.evaluation.map);
    for (const [cls, ap] of Object.entries(result.evaluation.classes)) put(`voc07-cls/${model}/AP:${cls}`, ap.ap);
  }
  for (const [model, { result }] of Object.entries(records.det?.models ?? {})) {
    for (const [column, det] of Object.entries(result)) {
      if (det.status === 'diverged') {
        put(`voc-det/${model}/divergedAt@${column}`, det.divergedAtIteration ?? -1, 1);
        continue;
      }
      put(`voc-det/${model}/mAP07@${column}`, det.evaluation?.map07);
      for (const [cls, ap] of Object.entries(det.evaluation?.classes ?? {})) put(`voc-det/${model}/AP07@${column}:${cls}`, ap.ap07);
    }
  }
  return metrics;
}

export type ComparisonStatus = 'ok' | 'REGRESSED' | 'CHANGED' | 'MISSING' | 'new';

export interface ComparisonRow {
  key: string;
  bench: string;
  model: string;
  metric: string;
  baseline?: number;
  now?: number;
  delta?: number;
  status: ComparisonStatus;
}

export interface Comparison {
  rows: ComparisonRow[];
  tolerancePoints: number;
  /** False when any row is REGRESSED (below by more than the tolerance), CHANGED (above it, or a different divergence) or MISSING. */
  passed: boolean;
}

/**
 * Compares `now` with the baseline. A metric the baseline has and `now` lacks fails
 * (MISSING): a model or class that stopped producing a number is a regression. A metric
 * only in `now` is reported as `new` and passes; `--update` records it.
 */
export function compareWithBaseline(baseline: Baseline, now: Record<string, number>, tolerancePoints: number): Comparison {
  if (!(tolerancePoints >= 0)) throw new RangeError(`tolerance must be a number of points ≥ 0, got ${tolerancePoints}`);
  const rows: ComparisonRow[] = [];
  const keys = [...new Set([...Object.keys(baseline.metrics), ...Object.keys(now)])].sort(compareKeys);
  for (const key of keys) {
    const [bench, model, ...rest] = key.split('/');
    const row: ComparisonRow = { key, bench, model, metric: rest.join('/'), baseline: baseline.metrics[key], now: now[key], status: 'ok' };
    if (row.baseline === undefined) row.status = 'new';
    else if (row.now === undefined) row.status = 'MISSING';
    else {
      row.delta = row.now - row.baseline;
      // Iterations are counts: any difference is a change.
      const allowed = row.metric.startsWith('divergedAt@') ? 0 : tolerancePoints;
      // A hair of slack so a delta of exactly the tolerance, rounded in binary, passes.
      if (Math.abs(row.delta) > allowed + 1e-9) row.status = row.delta < 0 ? 'REGRESSED' : 'CHANGED';
    }
    rows.push(row);
  }
  return { rows, tolerancePoints, passed: rows.every((row) => row.status === 'ok' || row.status === 'new') };
}

/** Per-class metrics are `AP:<class>` and `AP07@<column>:<class>`. */
function isPerClass(metric: string): boolean {
  return metric.includes(':');
}

/** mAP rows before per-class rows, each group by key. */
function compareKeys(a: string, b: string): number {
  const rank = (key: string): number => (isPerClass(key) ? 1 : 0);
  const [benchA, modelA] = a.split('/');
  const [benchB, modelB] = b.split('/');
  return benchA.localeCompare(benchB) || modelA.localeCompare(modelB) || rank(a) - rank(b) || a.localeCompare(b);
}

/** The diff table; with `onlyProblems`, rows that are `ok` are left out (mAP rows are always shown). */
export function formatComparison(comparison: Comparison, options: { onlyProblems?: boolean } = {}): string {
  const shown = comparison.rows.filter((row) => !options.onlyProblems || row.status !== 'ok' || !isPerClass(row.metric));
  const table = [
    ['bench', 'model', 'metric', 'baseline', 'now', 'delta', 'status'],
    ...shown.map((row) => {
      // Iterations print as integers, APs with two decimals.
      const digits = row.metric.startsWith('divergedAt@') ? 0 : 2;
      const number = (value: number | undefined, signed = false): string =>
        value === undefined ? '-' : `${signed && value > 0 ? '+' : ''}${value.toFixed(digits)}`;
      return [row.bench, row.model, row.metric, number(row.baseline), number(row.now), number(row.delta, true), row.status];
    }),
  ];
  const widths = table[0].map((_, c) => Math.max(...table.map((line) => line[c].length)));
  const numeric = new Set([3, 4, 5]);
  const lines = table.map((line) => line.map((cell, c) => (numeric.has(c) ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  ').trimEnd());
  lines.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
  const failed = comparison.rows.filter((row) => row.status !== 'ok' && row.status !== 'new').length;
  const hidden = comparison.rows.length - shown.length;
  lines.push(
    '',
    `${comparison.rows.length} metrics, tolerance ±${comparison.tolerancePoints} points: ` +
      (failed === 0 ? 'no regression' : `${failed} failed`) +
      (hidden > 0 ? ` (${hidden} per-class rows within tolerance not shown)` : ''),
  );
  return lines.join('\n') + '\n';
}

export function makeBaseline(preset: string, metrics: Record<string, number>, tolerancePoints: number): Baseline {
  const sorted = Object.fromEntries(Object.keys(metrics).sort(compareKeys).map((key) => [key, metrics[key]]));
  return { schemaVersion: 1, preset, tolerancePoints, metrics: sorted };
}

export function parseBaseline(json: unknown, file: string): Baseline {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new InputError(file, 'a baseline must be a JSON object');
  const raw = json as Record<string, unknown>;
  if (raw.schemaVersion !== 1) throw new InputError(file, `is ${JSON.stringify(raw.schemaVersion) ?? 'missing'}; expected 1`, { field: 'schemaVersion' });
  if (typeof raw.preset !== 'string') throw new InputError(file, 'must be a string', { field: 'preset' });
  if (typeof raw.tolerancePoints !== 'number' || !(raw.tolerancePoints >= 0)) {
    throw new InputError(file, `must be a number ≥ 0, got ${JSON.stringify(raw.tolerancePoints) ?? 'nothing'}`, { field: 'tolerancePoints' });
  }
  const metrics = raw.metrics;
  if (metrics === null || typeof metrics !== 'object' || Array.isArray(metrics)) throw new InputError(file, 'must be an object', { field: 'metrics' });
  for (const [key, value] of Object.entries(metrics)) {
    if (key.split('/').length < 3) throw new InputError(file, 'a key must be "<bench>/<model>/<metric>"', { field: `metrics.${key}` });
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new InputError(file, `must be a finite number, got ${JSON.stringify(value)}`, { field: `metrics.${key}` });
    }
  }
  return { schemaVersion: 1, preset: raw.preset, tolerancePoints: raw.tolerancePoints, metrics: metrics as Record<string, number> };
}
