import { InputError } from '@mgta/core';
import type { Voc07ClsRecord, VocDetRecord } from '@mgta/results-schema';
import type { LoadedRecord } from './read-records.ts';

/** One preset and data set: the records whose file is `<preset>[-<data name>].json`. */
export interface Section {
  name: string;
  cls?: { file: string; record: Voc07ClsRecord };
  det?: { file: string; record: VocDetRecord };
}

/** Groups records by section name (sorted), one record per bench in each. */
export function groupSections(records: readonly LoadedRecord[]): Section[] {
  const sections = new Map<string, Section>();
  for (const { file, section, record } of records) {
    const entry = sections.get(section) ?? { name: section };
    const slot = record.benchmark === 'voc07-cls' ? 'cls' : 'det';
    const previous = entry[slot];
    if (previous) throw new InputError(file, `a second ${record.benchmark} record for section "${section}" (the first is ${previous.file})`);
    if (slot === 'cls') entry.cls = { file, record: record as Voc07ClsRecord };
    else entry.det = { file, record: record as VocDetRecord };
    sections.set(section, entry);
  }
  return [...sections.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** Detection training-set columns in the paper's order, then any others. */
export function detColumns(record: VocDetRecord): string[] {
  const seen = new Set<string>();
  for (const model of Object.values(record.models)) for (const column of Object.keys(model.result)) seen.add(column);
  const known = ['07', '07+12'];
  return [...known.filter((c) => seen.has(c)), ...[...seen].filter((c) => !known.includes(c)).sort()];
}

export function columnLabel(column: string): string {
  return column === '07' ? 'VOC07' : column === '07+12' ? 'VOC07+12' : `VOC${column}`;
}
