import type { Command } from 'commander';
import { registerVoc07ClsCommand } from './voc07-cls-command.ts';
import { registerVocDetCommand } from './voc-det-command.ts';

/**
 * `mgta bench <voc07-cls|voc-det>`: the two benchmarks behind `nx run bench:*`. Only the
 * definitions load here; each action imports its bench when it runs.
 */
export function registerBenchCommands(program: Command): void {
  const bench = program.command('bench').description('run a benchmark for every model of a preset');
  registerVoc07ClsCommand(bench);
  registerVocDetCommand(bench);
}
