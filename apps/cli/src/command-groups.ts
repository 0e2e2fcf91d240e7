import type { Command } from 'commander';
import { registerEvalCommands } from '@mgta/eval-app';

/** Each app contributes its subcommands; the order is the order of `mgta --help`. */
export const commandGroups: Array<(program: Command) => void> = [
  registerEvalCommands,
];
