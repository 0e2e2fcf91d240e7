import type { BenchmarkRecord, ModelFingerprint } from '@mgta/results-schema';
import { assignPaperRows } from './paper-tables.ts';

/** One row of the learnability table: what a model's pretraining measured on its held-out images. */
export interface DiagnosticsRow {
  id: string;
  feature?: string;
  heldOutNmi?: number | null;
  heldOutAccuracy?: number;
  pretrainingSeconds?: number;
}

/**
 * Learnability diagnostics of a record's models (issue 11): k-means NMI of each model's
 * clustering feature and of the raw pixels on the pretraining hold-out, the supervised model's
 * held-out accuracy, and the pretraining time. Empty when no model recorded any.
 */
export function diagnosticsRows(record: BenchmarkRecord): { rows: DiagnosticsRow[]; pixelNmi?: number; heldOutImages?: number } {
  const rows: DiagnosticsRow[] = [];
  let pixelNmi: number | undefined, heldOutImages: number | undefined;
  for (const { id } of assignPaperRows(Object.keys(record.models))) {
    const model: ModelFingerprint = record.models[id].model;
    const d = model.diagnostics;
    if (!d && model.pretrainingSeconds === undefined) continue;
    if (d?.pixelNmi != null) pixelNmi = d.pixelNmi;
    if (d) heldOutImages = d.heldOutImages;
    rows.push({ id, feature: d?.feature, heldOutNmi: d?.heldOutNmi, heldOutAccuracy: d?.heldOutAccuracy, pretrainingSeconds: model.pretrainingSeconds });
  }
  return { rows, ...(pixelNmi !== undefined ? { pixelNmi } : {}), ...(heldOutImages !== undefined ? { heldOutImages } : {}) };
}

export const DIAGNOSTICS_HEADER = ['Model', 'Clustered feature', 'Held-out k-means NMI', 'Held-out accuracy', 'Pretraining (min)'];

/** The cells of a row, as text. */
export function diagnosticsCells(row: DiagnosticsRow): string[] {
  return [
    row.feature === undefined ? '' : `GAP-${row.feature}`,
    row.heldOutNmi == null ? '' : row.heldOutNmi.toFixed(3),
    row.heldOutAccuracy === undefined ? '' : `${(100 * row.heldOutAccuracy).toFixed(1)}%`,
    row.pretrainingSeconds === undefined ? '' : (row.pretrainingSeconds / 60).toFixed(1),
  ];
}

export function diagnosticsNote(table: ReturnType<typeof diagnosticsRows>): string {
  const images = table.heldOutImages === undefined ? 'the held-out pretraining images' : `the ${table.heldOutImages} held-out pretraining images (no pretraining saw them)`;
  const pixels = table.pixelNmi === undefined ? '' : ` Raw pixels of the same images: NMI ${table.pixelNmi.toFixed(3)}.`;
  return `k-means (k = number of classes) on each model's clustered feature of ${images}, against their classes.${pixels} Held-out accuracy: the supervised model's top-1 after its last epoch. Pretraining time is wall time on the recorded machine, with whatever else ran on it.`;
}
