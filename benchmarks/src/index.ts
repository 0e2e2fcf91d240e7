import type { Command } from 'commander';
import { registerVoc07ClsCommand } from './voc07-cls-command.ts';
import { registerVocDetCommand } from './voc-det-command.ts';

export { runVoc07Cls, type Voc07ClsOptions } from './voc07-cls.ts';
export { runVocDet, type VocDetOptions } from './voc-det.ts';

/** `mgta bench <voc07-cls|voc-det>`: the two benchmarks behind `nx run bench:*`. */
export function registerBenchCommands(program: Command): void {
  const bench = program.command('bench').description('run a benchmark for every model of a preset');
  registerVoc07ClsCommand(bench);
  registerVocDetCommand(bench);
}
