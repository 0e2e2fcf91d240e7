import { existsSync, realpathSync } from 'node:fs';
import { basename, dirname, join, relative, isAbsolute, resolve } from 'node:path';
import { InputError } from '@mgta/core';

/**
 * Refuses to write a result (`--json`, `--out`) over one of the run's inputs: a slip such as
 * `--json test.json` beside `test.npy` would otherwise replace the features' ids file with the
 * result, and the loss shows up only at the next run. `files` are inputs by path; inside
 * `folders` (a devkit) every existing file is an input. Paths are compared after resolving
 * symlinks, so `./x`, `a/../x` and a link to x are all x. Call it before the work, not after.
 */
export function refuseToOverwriteInput(flag: string, output: string, inputs: { files?: readonly string[]; folders?: readonly string[] }): void {
  const target = canonical(output);
  for (const file of inputs.files ?? []) {
    if (canonical(file) === target) throw new InputError(flag, `${output} is an input of this run (${file}); writing the result there would overwrite it — choose another file`);
  }
  if (!existsSync(output)) return;
  for (const folder of inputs.folders ?? []) {
    const inside = relative(canonical(folder), target);
    if (inside !== '' && !inside.startsWith('..') && !isAbsolute(inside)) {
      throw new InputError(flag, `${output} is a file of the input folder ${folder}; writing the result there would overwrite it — choose another file`);
    }
  }
}

/** The real path, or for a file not yet there, its folder's real path (when that exists) and its name. */
function canonical(path: string): string {
  const absolute = resolve(path);
  if (existsSync(absolute)) return realpathSync(absolute);
  const parent = dirname(absolute);
  return existsSync(parent) ? join(realpathSync(parent), basename(absolute)) : absolute;
}
