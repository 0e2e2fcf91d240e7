import type { Command } from 'commander';
import { registerDataCommands } from '@mgta/data-app/commands';
import { registerPretrainCommands } from '@mgta/pretrain-app/commands';
import { registerExtractCommands } from '@mgta/extract-app/commands';
import { registerSvmCommands } from '@mgta/svm-app/commands';
import { registerDetectorCommands } from '@mgta/detector-app/commands';
import { registerEvalCommands } from '@mgta/eval-app/commands';
import { registerBenchCommands } from '@mgta/bench/commands';
import { registerResultsCommands } from '@mgta/results-app/commands';
import { registerCacheCommands } from './cache-command.ts';

/**
 * Each app contributes its subcommands from its `commands` entry, which holds only the
 * definitions (names, options, descriptions): an action imports its implementation when it
 * runs, so `mgta --help` or `mgta eval-det` never loads tfjs, ONNX Runtime or sharp.
 * apps/cli/src/lazy-commands.test.ts checks it.
 *
 * The order is the order of `mgta --help`, which is the
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
