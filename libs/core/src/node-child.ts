import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface NodeChildOptions {
  /** Prefix each output line with this (children side by side stay readable); without it the child shares this terminal. */
  prefix?: string;
  /** What the error calls the child, e.g. `mgta pretrain iae --preset ci`. */
  describe: string;
}

/**
 * Runs `node <args>` (this Node) and resolves when it exits 0. A prefixed child writes through
 * pipes, so its progress comes as timed log lines (libs/core/progress) rather than bars.
 */
export function runNodeChild(args: readonly string[], options: NodeChildOptions): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const prefixed = options.prefix !== undefined;
    const child = spawn(process.execPath, args, { stdio: prefixed ? ['ignore', 'pipe', 'pipe'] : 'inherit' });
    if (prefixed) {
      for (const [from, to] of [[child.stdout, process.stdout], [child.stderr, process.stderr]] as const) {
        createInterface({ input: from!, crlfDelay: Infinity }).on('line', (line) => to.write(`${options.prefix}${line}\n`));
      }
    }
    child.on('error', (error) => reject(new Error(`${options.describe}: could not start (${error.message})`)));
    child.on('close', (code, signal) => {
      if (code === 0) resolvePromise();
      else reject(new Error(`${options.describe} failed (exit ${code ?? signal})`));
    });
  });
}
