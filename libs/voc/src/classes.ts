import { existsSync } from 'node:fs';
import { InputError } from '@mgta/core';
import { vocPaths } from './layout.ts';
import { readTextFile } from './text.ts';
import { VOC_CLASSES } from './types.ts';

/** A class name is used in file names (<cls>_<split>.txt) and label lines, so: no whitespace, no slashes. */
export function classNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'empty class name';
  if (/[\s/\\]/.test(name)) return `class name ${JSON.stringify(name)} contains whitespace or a slash`;
  return undefined;
}

function checkClassList(names: Array<{ name: string; line?: number }>, file: string): string[] {
  const firstLine = new Map<string, number | undefined>();
  for (const { name, line } of names) {
    const bad = classNameProblem(name);
    if (bad !== undefined) throw new InputError(file, bad, { line });
    if (firstLine.has(name)) {
      const earlier = firstLine.get(name);
      throw new InputError(file, `duplicate class "${name}"${earlier !== undefined ? ` (first on line ${earlier})` : ''}`, { line });
    }
    firstLine.set(name, line);
  }
  return names.map(({ name }) => name);
}

/** classes.txt: one class per line; blank lines and lines starting with # are ignored. */
export function parseClassesFile(text: string, file: string): string[] {
  const names = text
    .split('\n')
    .map((raw, index) => ({ name: raw.replace(/\r$/, '').trim(), line: index + 1 }))
    .filter(({ name }) => name.length > 0 && !name.startsWith('#'));
  if (names.length === 0) throw new InputError(file, 'lists no classes');
  return checkClassList(names, file);
}

export function formatClassesFile(classes: readonly string[]): string {
  return classes.map((name) => `${name}\n`).join('');
}

/** --classes flag, else <yearDir>/classes.txt, else the 20 VOC classes. */
export function resolveClasses(yearDir: string, classesFlag?: string[]): string[] {
  if (classesFlag !== undefined && classesFlag.length > 0) {
    return checkClassList(classesFlag.map((name) => ({ name })), '--classes');
  }
  const file = vocPaths.classes(yearDir);
  if (existsSync(file)) return parseClassesFile(readTextFile(file), file);
  return [...VOC_CLASSES];
}
