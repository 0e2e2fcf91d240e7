export { bootstrapMapInterval, quantile, type BootstrapOptions, type ClassificationBootstrapInput, type DetectionBootstrapInput } from './bootstrap.ts';
export { loadBenchRecords, parseBenchRecord, type BenchRecord, type LoadedRecord } from './read-records.ts';
export { groupSections, type Section } from './sections.ts';
export { renderTablesMarkdown } from './tables-markdown.ts';
export { PAPER_TABLES, assignPaperRows, type PaperRole, type ModelRow } from './paper-tables.ts';
export {
  DEFAULT_TOLERANCE_POINTS,
  compareWithBaseline,
  extractMetrics,
  formatComparison,
  makeBaseline,
  parseBaseline,
  type Baseline,
  type Comparison,
  type ComparisonRow,
} from './regress.ts';
export { renderHtmlReport, escapeHtml, type HtmlReportOptions } from './html-report.ts';
export { renderSvg } from './charts.ts';
export { readPretrainMetrics, chosenK, type PretrainMetric, type PretrainMetrics } from './pretrain-metrics.ts';
export { checkInvariants, formatInvariants, parseRegressInvariants, type MarginInvariant, type RegressInvariants, type InvariantResult } from './invariants.ts';
