import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '@mgta/core';

const REASONS: Record<string, string> = {
  EEXIST: 'a file is in the way of the folder',
  ENOTDIR: 'a file is in the way of the folder',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
};

/**
 * Fails now, naming the folder, when output cannot be written there: creates it if needed,
 * writes and removes a small file, then removes what it created. Run before hours of work
 * whose result would otherwise be lost at the final write.
 */
export function checkWritableFolder(dir: string, what: string): void {
  let created: string | undefined;
  try {
    created = mkdirSync(dir, { recursive: true });
    const probe = join(dir, `.mgta-write-test-${process.pid}`);
    writeFileSync(probe, '');
    rmSync(probe);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code !== undefined && REASONS[code] !== undefined ? `${REASONS[code]}, ${code}` : (code ?? (error as Error).message);
    throw new InputError(dir, `${what} cannot be created or written here (${reason}); choose another output path or make this folder writable`);
  } finally {
    if (created !== undefined) rmSync(created, { recursive: true, force: true });
  }
}
