import type { Command } from 'commander';
import { registerDataCommands } from '@mgta/data-app';
import { registerPretrainCommands } from '@mgta/pretrain-app';
import { registerExtractCommands } from '@mgta/extract-app';
import { registerSvmCommands } from '@mgta/svm-app';
import { registerDetectorCommands } from '@mgta/detector-app';
import { registerEvalCommands } from '@mgta/eval-app';
import { registerBenchCommands } from '@mgta/bench';
import { registerResultsCommands } from '@mgta/results-app';
import { registerCacheCommands } from './cache-command.ts';

/**
 * Each app contributes its subcommands. The order is the order of `mgta --help`, which is the
 * order data flows: data → models → features → classifier / detector → evaluation → results.
 */
export const commandGroups: Array<(program: Command) => void> = [
  registerDataCommands,
  registerPretrainCommands,
  registerExtractCommands,
  registerSvmCommands,
  registerDetectorCommands,
  registerEvalCommands,
  registerBenchCommands,
  registerResultsCommands,
  registerCacheCommands,
];
