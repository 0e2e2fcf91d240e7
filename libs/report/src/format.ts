import type { BenchmarkRecord, BootstrapInterval, ModelFingerprint } from '@mgta/results-schema';

/** An AP in 0..1 as percent points with `digits` decimals; '-' when undefined. */
export function percent(value: number | null | undefined, digits: number): string {
  return value === null || value === undefined ? '-' : (value * 100).toFixed(digits);
}

/** A 95% bootstrap interval as `[low, high]` in percent points, or '' when absent. */
export function intervalText(interval: BootstrapInterval | undefined, digits: number): string {
  return interval ? `[${percent(interval.low, digits)}, ${percent(interval.high, digits)}]` : '';
}

/** A protocol value for one line of text: arrays joined, objects as compact JSON. */
export function protocolValue(value: unknown): string {
  if (Array.isArray(value)) return value.map(protocolValue).join(', ');
  if (value !== null && typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

export function protocolEntries(protocol: Record<string, unknown>): Array<[string, string]> {
  return Object.entries(protocol).map(([key, value]) => [key, protocolValue(value)]);
}

export function machineText(record: BenchmarkRecord<unknown, unknown>): string {
  const { machine, backend, executionProvider, threads, jobs } = record.execution;
  const parts = [`${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.platform}/${machine.arch}, Node ${machine.node}`];
  if (backend) parts.push(`backend ${backend}`);
  if (executionProvider) parts.push(`execution provider ${executionProvider}`);
  if (threads !== undefined) parts.push(jobs !== undefined ? `${jobs} jobs of ${threads} thread${threads === 1 ? '' : 's'}` : `${threads} threads`);
  return parts.join('; ');
}

export function softwareText(record: BenchmarkRecord<unknown, unknown>): string {
  return Object.entries(record.software).map(([name, version]) => `${name} ${version}`).join(', ');
}

export function seedsText(record: BenchmarkRecord<unknown, unknown>): string {
  const entries = Object.entries(record.seeds ?? {});
  return entries.length === 0 ? 'none recorded' : entries.map(([name, seed]) => `${name}=${seed}`).join(', ');
}

/** The K of an `mgta-k<K>` model id. */
export function kFromModelId(id: string): number | undefined {
  const match = /^mgta-k(\d+)$/.exec(id);
  return match ? Number(match[1]) : undefined;
}

/** A ResNet-50 width multiplier as a fraction k/64 in lowest terms: '1/4', '1/8', '2'. */
export function widthText(width: number): string {
  let numerator = 64 * width;
  let denominator = 64;
  if (!Number.isInteger(numerator)) return String(width);
  while (numerator % 2 === 0 && denominator % 2 === 0) {
    numerator /= 2;
    denominator /= 2;
  }
  return denominator === 1 ? String(numerator) : `${numerator}/${denominator}`;
}

/**
 * The network a record's model is, for its row label: 'ResNet-50 x1/4' for a width other than 1,
 * 'ResNet-50 v1 (stride on 1x1)' / 'ResNet-50 x1/4 v1 (stride on 1x1)' for Detectron's ResNet v1;
 * '' for a full-width torchvision v1.5 ResNet-50 (and records from before widths), so those tables
 * do not change.
 */
export function modelWidthLabel(model: Pick<ModelFingerprint, 'width' | 'stride1x1'> | undefined): string {
  const width = model?.width;
  const widthPart = width === undefined || width === 1 ? '' : ` x${widthText(width)}`;
  if (model?.stride1x1 === true) return `ResNet-50${widthPart} ${STRIDE_1X1_TEXT}`;
  return widthPart === '' ? '' : `ResNet-50${widthPart}`;
}

/** As libs/resnet's STRIDE_1X1_LABEL (this lib does not depend on the model code). */
const STRIDE_1X1_TEXT = 'v1 (stride on 1x1)';
