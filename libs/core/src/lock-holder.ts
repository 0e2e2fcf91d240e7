import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const FIXTURE = fileURLToPath(new URL('./lock-holder.fixture.ts', import.meta.url));

export interface LockHolderProcess {
  pid: number;
  child: ChildProcess;
  /** Resolves with the exit code or signal once the process has ended. */
  exited: Promise<number | NodeJS.Signals>;
}

/**
 * For tests: starts a process that takes the output lock of `dir` and resolves once it holds
 * it. 'hold' keeps it until killed; 'throw' then dies of an uncaught error; 'exit' calls
 * process.exit(3).
 */
export async function spawnLockHolder(dir: string, mode: 'hold' | 'throw' | 'exit' = 'hold'): Promise<LockHolderProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, dir, mode], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | NodeJS.Signals>((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code ?? -1)));
  let stderr = '';
  child.stderr!.on('data', (chunk) => { stderr += String(chunk); });
  await new Promise<void>((resolve, reject) => {
    let stdout = '';
    child.stdout!.on('data', (chunk) => {
      stdout += String(chunk);
      if (stdout.includes('locked\n')) resolve();
    });
    void exited.then((how) => reject(new Error(`lock holder ended (${how}) before taking the lock: ${stderr}`)));
  });
  return { pid: child.pid!, child, exited };
}

/** For tests: the pid of a process that has already ended (a stale lock's or temp's owner). */
export function deadPid(): number {
  const result = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(result.stdout);
}
