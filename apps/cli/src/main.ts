import { Command, CommanderError } from 'commander';
import { InputError } from '@mgta/core';
import { commandGroups } from './command-groups.ts';

/** Runs the mgta CLI; returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = new Command('mgta')
    .description('Benchmarks for self-supervised ResNet-50 representations (MGTA, VOC07 SVM, VOC detection)')
    .exitOverride()
    .showHelpAfterError();
  for (const register of commandGroups) register(program);
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (error) {
    return reportError(error);
  }
}

function reportError(error: unknown): number {
  if (error instanceof CommanderError) {
    return error.exitCode === 0 ? 0 : 2;
  }
  if (error instanceof InputError) {
    process.stderr.write(`mgta: ${error.message}\n`);
    return 1;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`mgta: ${message}\n`);
  if (process.env.MGTA_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  return 1;
}
