import { mkdirSync, openSync, writeSync, fsyncSync, closeSync, renameSync, rmSync, copyFileSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { withFsWriteErrors, type FsErrorAdvice } from './fs-errors.ts';

/**
 * The temp name beside `path`: hidden, and carrying our pid so that a later run can tell a
 * leftover of a dead process from a live writer's file (orphan-temps.ts).
 */
export function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

/**
 * Writes a file so that readers see either the old content or the whole new content,
 * never a torn file: write a temp file beside it, fsync, rename over the target. Whatever
 * fails (a full disk, a directory in the way), the temp file is gone afterwards and the error
 * names `path`.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array, options: { fsync?: boolean } & FsErrorAdvice = {}): void {
  withFsWriteErrors(path, () => {
    mkdirSync(dirname(path), { recursive: true });
    const temp = tempPathFor(path);
    try {
      const fd = openSync(temp, 'w');
      try {
        const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
        let offset = 0;
        while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
        // Skipped (fsync: false) only for files inside a staging folder that is renamed into place whole.
        if (options.fsync !== false) fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(temp, path);
    } catch (error) {
      rmSync(temp, { force: true });
      throw error;
    }
  }, options);
}

export function writeJsonAtomic(path: string, value: unknown, options: FsErrorAdvice = {}): void {
  writeFileAtomic(path, JSON.stringify(value, null, 2) + '\n', options);
}

/** Copies `source` to `target` the same way: whole or not at all, no temp file left on failure. */
export function copyFileAtomic(source: string, target: string, options: FsErrorAdvice = {}): void {
  withFsWriteErrors(target, () => {
    mkdirSync(dirname(target), { recursive: true });
    const temp = tempPathFor(target);
    try {
      copyFileSync(source, temp);
      renameSync(temp, target);
    } catch (error) {
      rmSync(temp, { force: true });
      throw error;
    }
  }, options);
}
