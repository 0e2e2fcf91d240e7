import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { InputError } from './input-error.ts';

export interface FsErrorAdvice {
  /** What to do when the location cannot be used, e.g. 'choose another --out'. */
  elsewhere?: string;
}

const DEFAULT_ELSEWHERE = 'choose another --out';

/**
 * Turns a Node fs error met while writing `path` into an InputError that names the path and
 * says what to do. Node's own messages omit the path for ENOSPC (write(2) has none) and name a
 * temp file or a mkdir for the rest, which sends users looking in the wrong place. Errors that
 * are not fs errors, and codes a user cannot act on, come back unchanged.
 */
export function fsWriteError(error: unknown, path: string, advice: FsErrorAdvice = {}): unknown {
  if (error instanceof InputError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code !== 'string') return error;
  const elsewhere = advice.elsewhere ?? DEFAULT_ELSEWHERE;
  const syscallPath = (error as NodeJS.ErrnoException).path;
  const problem = describe(code, path, syscallPath, (error as NodeJS.ErrnoException).syscall, elsewhere);
  if (problem === undefined) return error;
  const mapped = new InputError(path, problem);
  (mapped as Error & { cause?: unknown }).cause = error;
  return mapped;
}

/** Runs `write`, rethrowing its fs errors through fsWriteError. */
export function withFsWriteErrors<T>(path: string, write: () => T, advice: FsErrorAdvice = {}): T {
  try {
    return write();
  } catch (error) {
    throw fsWriteError(error, path, advice);
  }
}

function describe(code: string, path: string, syscallPath: string | undefined, syscall: string | undefined, elsewhere: string): string | undefined {
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return `cannot write here: permission denied${at(syscallPath, path)}; ${elsewhere} or make it writable`;
    case 'EROFS':
      return `cannot write here: the file system is read-only; ${elsewhere} on a writable disk`;
    case 'ENOSPC':
      return `no space left on the device holding ${existingAncestor(path)}; free space on it or ${elsewhere}`;
    case 'EDQUOT':
      return `disk quota exceeded on the device holding ${existingAncestor(path)}; free space within your quota or ${elsewhere}`;
    case 'EISDIR':
      return `is a directory, but a file is to be written here; ${elsewhere} or move the directory away`;
    case 'ENOTDIR': {
      const file = fileInTheWay(syscallPath ?? path);
      return `${file ?? 'a part of this path'} is a file, not a folder, so nothing can be written below it; ${elsewhere}`;
    }
    case 'ENOENT':
      // mkdir -p only fails with ENOENT when a parent vanished under it, is a dangling link, or
      // the mount refuses (some read-only or overlay mounts report ENOENT, not EROFS).
      return syscall === 'mkdir' || syscall === 'open' || syscall === 'rename'
        ? `cannot create it: ${existingAncestor(path)} is the nearest existing folder, and creating below it failed (${syscall} ENOENT: a folder removed meanwhile, a broken link, or a read-only mount); ${elsewhere} or check that folder`
        : undefined;
    case 'ENAMETOOLONG':
      return `the path is too long for the file system; ${elsewhere} with a shorter path`;
    default:
      return undefined;
  }
}

function at(syscallPath: string | undefined, path: string): string {
  return syscallPath !== undefined && resolve(syscallPath) !== resolve(path) && !isTemp(syscallPath) ? ` (on ${syscallPath})` : '';
}

/** Our own temp names mean nothing to a user; the target path is what they gave. */
function isTemp(path: string): boolean {
  return /\.tmp$|\.partial-\d+/.test(path);
}

function existingAncestor(path: string): string {
  let current = resolve(path);
  while (!existsSync(current) && dirname(current) !== current) current = dirname(current);
  return current;
}

/** The first component of `path` that exists and is a regular file (the cause of ENOTDIR). */
function fileInTheWay(path: string): string | undefined {
  const parts: string[] = [];
  for (let current = resolve(path); ; current = dirname(current)) {
    parts.unshift(current);
    if (dirname(current) === current) break;
  }
  for (const part of parts) {
    try {
      if (!statSync(part).isDirectory()) return part;
    } catch {
      return undefined;
    }
  }
  return undefined;
}
