import type { Command } from 'commander';
import { registerEvalCommands } from '@mgta/eval-app';
import { registerDataCommands } from '@mgta/data-app';
import { registerSvmCommands } from '@mgta/svm-app';
import { registerCacheCommands } from './cache-command.ts';
import { registerBenchCommands } from '@mgta/bench';
import { registerResultsCommands } from '@mgta/results-app';
import { registerExtractCommands } from '@mgta/extract-app';
import { registerPretrainCommands } from '@mgta/pretrain-app';
import { registerDetectorCommands } from '@mgta/detector-app';

/** Each app contributes its subcommands; the order is the order of `mgta --help`. */
export const commandGroups: Array<(program: Command) => void> = [
  registerDataCommands,
  registerEvalCommands,
  registerSvmCommands,
  registerBenchCommands,
  registerCacheCommands,
  registerResultsCommands,
  registerExtractCommands,
  registerPretrainCommands,
  registerDetectorCommands,
];
