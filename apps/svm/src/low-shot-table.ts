import type { LowShotResult } from '@mgta/svm';

/** The low-shot result as aggregate_low_shot_svm_stats.py prints it (percent), one row per k, then the skipped k values. */
export function formatLowShotTable(result: LowShotResult, title: string): string {
  const pct = (v: number) => (100 * v).toFixed(2).padStart(7);
  const lines = [title, `${'k'.padStart(4)}  ${'cost'.padStart(10)}  ${'mean'.padStart(7)}  ${'std'.padStart(7)}  ${'min'.padStart(7)}  ${'max'.padStart(7)}`];
  for (const r of result.byK) {
    lines.push(`${String(r.k).padStart(4)}  ${r.cost.toPrecision(4).padStart(10)}  ${pct(r.mean)}  ${pct(r.std)}  ${pct(r.min)}  ${pct(r.max)}`);
  }
  for (const skip of result.skipped) lines.push(`skipped ${skip.reason}`);
  const flag = result.unconverged > 0 ? `, ${result.unconverged} fits hit max_iter` : '';
  lines.push(`(${result.samples} samples per k, seed ${result.seed}, ${result.seconds.toFixed(1)} s${flag})`);
  return lines.join('\n') + '\n';
}
