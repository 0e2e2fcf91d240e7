import type { Voc07ClsRecord } from '@mgta/results-schema';
import { assignPaperRows } from './paper-tables.ts';

/**
 * The data of the two extra figures of Goyal et al. 2019 that a voc07-cls record may carry:
 * low-shot mAP against k (their Fig. 2 style: one line per model, mean over the independent
 * samples with ± std) and mAP against the layer the features come from (one line per model).
 * Values in percent points; models in table order.
 */
export interface LowShotPoint {
  model: string;
  k: number;
  mean: number;
  std: number;
  low: number;
  high: number;
  cost: number;
  samples: number;
}

export interface LayerPoint {
  model: string;
  layer: string;
  map: number;
}

/** Low-shot points of every model whose result has them; the skipped k per model as text. */
export function lowShotPoints(record: Voc07ClsRecord): { points: LowShotPoint[]; skipped: Array<{ model: string; reason: string }> } {
  const points: LowShotPoint[] = [];
  const skipped: Array<{ model: string; reason: string }> = [];
  for (const { id } of assignPaperRows(Object.keys(record.models))) {
    const lowShot = record.models[id].result.lowShot;
    if (!lowShot) continue;
    for (const r of lowShot.byK) {
      points.push({ model: id, k: r.k, mean: 100 * r.mean, std: 100 * r.std, low: 100 * (r.mean - r.std), high: 100 * (r.mean + r.std), cost: r.cost, samples: r.perSample.length });
    }
    for (const skip of lowShot.skipped) skipped.push({ model: id, reason: skip.reason });
  }
  return { points, skipped };
}

/** The k values of the points, ascending. */
export function lowShotKs(points: readonly LowShotPoint[]): number[] {
  return [...new Set(points.map((p) => p.k))].sort((a, b) => a - b);
}

/** Goyal's layers in network order, then any others. */
const LAYER_ORDER = ['conv1', 'res2', 'res3', 'res4', 'res5'];

/** mAP of every swept layer of every model that has a sweep (`models[id].layers`). */
export function layerPoints(record: Voc07ClsRecord): { points: LayerPoint[]; layers: string[] } {
  const points: LayerPoint[] = [];
  for (const { id } of assignPaperRows(Object.keys(record.models))) {
    for (const [layer, result] of Object.entries(record.models[id].layers ?? {})) {
      if (result.evaluation.map !== null) points.push({ model: id, layer, map: 100 * result.evaluation.map });
    }
  }
  const seen = new Set(points.map((p) => p.layer));
  const layers = [...LAYER_ORDER.filter((l) => seen.has(l)), ...[...seen].filter((l) => !LAYER_ORDER.includes(l)).sort()];
  return { points, layers };
}
