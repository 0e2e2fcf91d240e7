export { registerResultsCommands, registerRegressCommand } from './commands.ts';
export { runTables, runReport, type TablesOptions, type ReportOptions } from './results-commands.ts';
export { runRegress, runRegressCommand, readWrittenResults, type RegressOptions, type BenchRunner } from './regress-command.ts';
