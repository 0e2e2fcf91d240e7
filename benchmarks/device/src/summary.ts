/** The one-screen summary the check ends with: what the README's GPU section is read from. */
import { formatDuration } from './projection.ts';
import type { CheckRecord } from './record.ts';

export function summary(record: CheckRecord): string {
  const lines: string[] = [];
  const gpu = typeof record.results['env.nvidiaSmi'] === 'string' ? record.results['env.nvidiaSmi'] : 'no GPU found';
  const cores = (record.results['env.machine'] as { cores?: number } | undefined)?.cores ?? '?';
  lines.push(`mgta device check (${record.mode} mode, profile ${record.profile}), ${record.startedAt.slice(0, 10)}: ${gpu}; ${cores} CPU cores`);
  const adapter = record.results['env.webgpuAdapter'] as Record<string, unknown> | undefined;
  if (adapter) lines.push(`WebGPU adapter (Dawn): ${'error' in adapter ? adapter.error : [adapter.vendor, adapter.architecture, adapter.description].filter(Boolean).join(', ')}`);
  if (record.pack) lines.push(`pack: commit ${String(record.pack.commit).slice(0, 10)}${record.pack.dirty ? ' (+ uncommitted changes)' : ''}, packed ${String(record.pack.createdAt).slice(0, 16)}`);

  lines.push('', 'PARITY (accelerated against CPU, same weights and inputs)');
  for (const row of record.parity) lines.push(`  ${row.pass === null ? 'n/a ' : row.pass ? 'PASS' : 'FAIL'}  ${pad(row.name, 36)} ${row.detail}`);
  if (record.parity.length === 0) lines.push('  (nothing compared yet)');

  lines.push('', `TIMING, ms per image unless said   ${pad('accelerated', 34)} CPU`);
  for (const row of record.timings) lines.push(`  ${pad(row.name, 33)} ${pad(row.accelerated, 34)} ${row.cpu}`);

  const p = record.projection;
  if (p) {
    const stamp = `projected from ${record.startedAt.slice(0, 10)} measurements on ${gpu}`;
    lines.push('', record.profile === 'paper'
      ? `PROJECTION of the paper preset (${(p.imageSteps / 1e6).toFixed(1)}M pretraining image-steps), ${stamp}`
      : `PROJECTION (rehearsal sizes: NOT the paper preset's wall time) of ${(p.imageSteps / 1e6).toFixed(1)}M image-steps`);
    lines.push(`  pretraining ${formatDuration(p.pretrainingSeconds)}, detection ${formatDuration(p.detectionSeconds)}`);
    for (const row of p.rows) lines.push(`    ${pad(formatDuration(row.seconds), 11)} ${row.what}: ${count(row.count)} ${row.unit} × ${row.msEach === null ? '?' : row.msEach.toPrecision(3)} ms (${row.source})`);
  }

  const problems = Object.entries(record.parts).filter(([, part]) => part.status !== 'ok');
  if (problems.length > 0) {
    lines.push('', 'PARTS THAT DID NOT FINISH');
    for (const [name, part] of problems) lines.push(`  ${name}: ${part.status}${part.error ? ` (${part.error})` : ''}`);
  }
  return lines.join('\n');
}

const count = (n: number) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : n >= 1e4 ? `${(n / 1e3).toFixed(1)}k` : String(n));
const pad = (text: string, width: number) => (text.length >= width ? text : text + ' '.repeat(width - text.length));
