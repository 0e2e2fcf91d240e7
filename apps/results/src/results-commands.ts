import { writeFileAtomic } from '@mgta/core';
import { groupSections, loadBenchRecords, renderHtmlReport, renderTablesMarkdown } from '@mgta/report';

export interface TablesOptions {
  /** The results folder, `results` by default. */
  results: string;
  /** Where TABLES.md goes, `<results>/TABLES.md` by default. */
  out?: string;
}

export interface ReportOptions extends TablesOptions {
  /** Where pretraining metrics are looked up (`<models>/<preset>/<model>/metrics.jsonl`). */
  models: string;
}

type Write = (text: string) => void;
const stdout: Write = (text) => process.stdout.write(text);

/** `mgta results tables`: regenerates results/TABLES.md; returns the path written. */
export function runTables(options: TablesOptions, out: Write = stdout, now: Date = new Date()): string {
  const loaded = loadBenchRecords(options.results);
  const file = options.out ?? `${options.results}/TABLES.md`;
  writeFileAtomic(file, renderTablesMarkdown(groupSections(loaded), now.toISOString()));
  out(`wrote ${file} from ${loaded.length} record${loaded.length === 1 ? '' : 's'}\n`);
  return file;
}

/** `mgta results report`: regenerates results/report.html; returns the path written. */
export async function runReport(options: ReportOptions, out: Write = stdout, now: Date = new Date()): Promise<string> {
  const loaded = loadBenchRecords(options.results);
  const file = options.out ?? `${options.results}/report.html`;
  const html = await renderHtmlReport(groupSections(loaded), { modelsDir: options.models, generatedAt: now.toISOString() });
  writeFileAtomic(file, html);
  out(`wrote ${file} from ${loaded.length} record${loaded.length === 1 ? '' : 's'}\n`);
  return file;
}
