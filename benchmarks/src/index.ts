import type { Command } from 'commander';
import { registerVoc07ClsCommand } from './voc07-cls-command.ts';

export { runVoc07Cls, type Voc07ClsOptions } from './voc07-cls.ts';

/** `mgta bench <voc07-cls|voc-det>`: the two benchmarks behind `nx run bench:*`. */
export function registerBenchCommands(program: Command): void {
  const bench = program.command('bench').description('run a benchmark for every model of a preset');
  registerVoc07ClsCommand(bench);
}
