import type { EvaluationResult } from '@mgta/results-schema';

/** The per-class table and the means, as `mgta eval-det|eval-cls` prints them. */
export function formatResultTable(result: EvaluationResult, title: string): string {
  const names = Object.keys(result.classes);
  const width = Math.max(5, ...names.map((name) => name.length));
  const row = (name: string, npos: string, ap: string, ap07: string): string =>
    `${name.padEnd(width)}  ${npos.padStart(6)}  ${ap.padStart(7)}  ${ap07.padStart(7)}`;
  const lines = [title, row('class', 'npos', 'AP', 'AP07')];
  for (const name of names) {
    const c = result.classes[name];
    lines.push(row(name, String(c.npos), formatAp(c.ap), formatAp(c.ap07)));
  }
  lines.push(row('mean', '', formatAp(result.map), formatAp(result.map07)));
  if (result.missing !== undefined) lines.push(`no result file for ${result.missing.join(', ')}: scored AP 0 (--allow-missing)`);
  return lines.join('\n') + '\n';
}

/** AP in percent with two decimals, as the VOC papers report it; "n/a" when undefined. */
function formatAp(ap: number | null): string {
  return ap === null ? 'n/a' : (100 * ap).toFixed(2);
}
