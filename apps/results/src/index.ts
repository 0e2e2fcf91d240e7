import type { Command } from 'commander';
import { registerRegressCommand } from './regress-command.ts';
import { registerResultsSubcommands } from './results-commands.ts';

export { runTables, runReport, type TablesOptions, type ReportOptions } from './results-commands.ts';
export { runRegress, readWrittenResults, type RegressOptions, type BenchRunner } from './regress-command.ts';

/** `mgta results tables|report` and `mgta regress`. */
export function registerResultsCommands(program: Command): void {
  registerResultsSubcommands(program);
  registerRegressCommand(program);
}
