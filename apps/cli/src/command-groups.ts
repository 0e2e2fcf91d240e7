import type { Command } from 'commander';
import { registerEvalCommands } from '@mgta/eval-app';
import { registerCacheCommands } from './cache-command.ts';

/** Each app contributes its subcommands; the order is the order of `mgta --help`. */
export const commandGroups: Array<(program: Command) => void> = [
  registerEvalCommands,
  registerCacheCommands,
];
