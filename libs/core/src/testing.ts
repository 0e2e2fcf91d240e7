import { InputError } from './input-error.ts';

/** For tests: runs `run` and returns the InputError it throws (anything else fails the test). */
export function errorOf(run: () => unknown): InputError {
  try {
    run();
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('expected an InputError');
}

export { spawnLockHolder, deadPid, type LockHolderProcess } from './lock-holder.ts';
