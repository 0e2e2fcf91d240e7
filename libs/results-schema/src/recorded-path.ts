import { existsSync } from 'node:fs';
import { basename, dirname, isAbsolute, relative, resolve, sep } from 'node:path';

/**
 * A path as a record keeps it: relative to the repository root (found from the working
 * directory) when it lies inside it, else only its name. Records are committed and shared, so
 * they must not carry one machine's folders (`/home/alice/...`), nor break when the repo moves.
 */
export function recordedPath(path: string, root: string | undefined = repositoryRoot()): string {
  const absolute = resolve(path);
  if (root !== undefined) {
    const inside = relative(root, absolute);
    if (inside === '') return '.';
    if (!inside.startsWith('..') && !isAbsolute(inside)) return inside.split(sep).join('/');
  }
  return basename(absolute);
}

/** The nearest folder at or above the working directory that holds `.git`; undefined outside any repository. */
export function repositoryRoot(from: string = process.cwd()): string | undefined {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    if (existsSync(resolve(dir, '.git'))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}
