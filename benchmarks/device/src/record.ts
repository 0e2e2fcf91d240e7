/**
 * gpu-check.json: everything the check measured, rewritten (atomically) after every result, so a
 * run cut off at the device's time limit still returns what it had.
 */
import { renameSync, writeFileSync } from 'node:fs';
import type { Projection } from './projection.ts';
import { parityRows, projection, timingRows, type ParityRow, type Results, type TimingRow } from './report.ts';

export interface PartStatus {
  status: 'running' | 'ok' | 'failed' | 'timeout' | 'skipped';
  seconds?: number;
  error?: string;
}

export interface CheckRecord {
  schema: 'mgta-device-check/1';
  mode: 'gpu' | 'cpu';
  profile: string;
  startedAt: string;
  updatedAt: string;
  finished: boolean;
  /** benchmarks/device/pack.sh's manifest: commit, sizes. */
  pack?: Record<string, unknown>;
  parts: Record<string, PartStatus>;
  /** Raw results by key, as the parts handed them over. */
  results: Results;
  parity: ParityRow[];
  timings: TimingRow[];
  projection?: Projection;
  /** Why the projection could not be made, if it could not. */
  projectionError?: string;
}

export class RecordFile {
  readonly record: CheckRecord;

  constructor(private readonly file: string, init: Pick<CheckRecord, 'mode' | 'profile' | 'pack'>, private readonly paperPreset: Record<string, unknown>) {
    const now = new Date().toISOString();
    this.record = { schema: 'mgta-device-check/1', ...init, startedAt: now, updatedAt: now, finished: false, parts: {}, results: {}, parity: [], timings: [] };
    this.write();
  }

  result(key: string, value: unknown): void {
    this.record.results[key] = value;
    this.write();
  }

  part(name: string, status: PartStatus): void {
    this.record.parts[name] = status;
    this.write();
  }

  finish(): void {
    this.record.finished = true;
    this.write();
  }

  private write(): void {
    const r = this.record;
    r.updatedAt = new Date().toISOString();
    r.parity = parityRows(r.results);
    r.timings = timingRows(r.results);
    try {
      r.projection = projection(r.results, this.paperPreset);
      delete r.projectionError;
    } catch (error) {
      r.projectionError = error instanceof Error ? error.message : String(error);
    }
    const temp = `${this.file}.tmp`;
    writeFileSync(temp, `${JSON.stringify(r, null, 1)}\n`);
    renameSync(temp, this.file);
  }
}
