import { existsSync } from 'node:fs';
import { InputError } from '@mgta/core';
import { idProblem, vocPaths } from './layout.ts';
import { readTextFile } from './text.ts';
import type { ClassLabel, VocProblem } from './types.ts';

/**
 * The two kinds of ImageSets/Main files of the devkit:
 *   <split>.txt        one image id per line
 *   <cls>_<split>.txt  "<id> <label>" per line, label 1 / -1 / 0 right-aligned in width 2
 *                      (the devkit writes "000005 -1" and "000007  1")
 * Parsers collect every problem so that check-voc can list them all; the read* functions
 * throw the first one.
 */

export interface Parsed<T> {
  value: T;
  problems: VocProblem[];
}

/** Lines with their 1-based numbers; blank lines (e.g. after the final newline) are skipped. */
function nonBlankLines(text: string): Array<{ line: number; text: string }> {
  return text
    .split('\n')
    .map((raw, index) => ({ line: index + 1, text: raw.replace(/\r$/, '').trim() }))
    .filter((entry) => entry.text.length > 0);
}

export function parseImageSet(text: string, file: string): Parsed<Array<{ id: string; line: number }>> {
  const ids: Array<{ id: string; line: number }> = [];
  const problems: VocProblem[] = [];
  const firstLine = new Map<string, number>();
  for (const { line, text: id } of nonBlankLines(text)) {
    const bad = idProblem(id);
    if (bad !== undefined) {
      problems.push({ file, line, problem: `${bad} (expected one image id per line)` });
      continue;
    }
    const duplicate = duplicateIdProblem(firstLine, id, line);
    if (duplicate !== undefined) {
      problems.push({ file, line, problem: duplicate });
      continue;
    }
    ids.push({ id, line });
  }
  return { value: ids, problems };
}

export interface ClassLabelLine {
  id: string;
  label: ClassLabel;
  line: number;
}

export function parseClassLabels(text: string, file: string): Parsed<ClassLabelLine[]> {
  const entries: ClassLabelLine[] = [];
  const problems: VocProblem[] = [];
  const firstLine = new Map<string, number>();
  for (const { line, text: content } of nonBlankLines(text)) {
    const fields = content.split(/\s+/);
    if (fields.length !== 2) {
      problems.push({ file, line, problem: `expected "<id> <label>", got ${JSON.stringify(content)}` });
      continue;
    }
    const [id, labelText] = fields;
    const bad = idProblem(id);
    if (bad !== undefined) {
      problems.push({ file, line, problem: bad });
      continue;
    }
    if (labelText !== '1' && labelText !== '-1' && labelText !== '0') {
      problems.push({ file, line, problem: `label "${labelText}" of "${id}" must be 1, -1 or 0` });
      continue;
    }
    const duplicate = duplicateIdProblem(firstLine, id, line);
    if (duplicate !== undefined) {
      problems.push({ file, line, problem: duplicate });
      continue;
    }
    entries.push({ id, label: Number(labelText) as ClassLabel, line });
  }
  return { value: entries, problems };
}

export function formatImageSet(ids: readonly string[]): string {
  return ids.map((id) => `${id}\n`).join('');
}

export function formatClassLabels(entries: ReadonlyArray<{ id: string; label: ClassLabel }>): string {
  return entries.map(({ id, label }) => `${id} ${String(label).padStart(2)}\n`).join('');
}

export function throwFirst<T>(parsed: Parsed<T>): T {
  const first = parsed.problems[0];
  if (first !== undefined) throw new InputError(first.file, first.problem, { line: first.line, field: first.field });
  return parsed.value;
}

function readText(file: string, what: string): string {
  if (!existsSync(file)) throw new InputError(file, `${what} does not exist`);
  return readTextFile(file);
}

/** ImageSets/Main/<split>.txt → ids in file order. */
export function readImageSet(yearDir: string, split: string): string[] {
  const file = vocPaths.imageSet(yearDir, split);
  return throwFirst(parseImageSet(readText(file, `image set of split "${split}"`), file)).map(({ id }) => id);
}

/** ImageSets/Main/<cls>_<split>.txt → entries in file order. */
export function readClassLabels(
  yearDir: string,
  className: string,
  split: string,
): Array<{ id: string; label: ClassLabel }> {
  const file = vocPaths.classLabels(yearDir, className, split);
  const text = readText(file, `label file of class "${className}", split "${split}"`);
  return throwFirst(parseClassLabels(text, file)).map(({ id, label }) => ({ id, label }));
}

/** Records where an id first appears; for a repeat, says where (and records nothing). */
function duplicateIdProblem(firstLine: Map<string, number>, id: string, line: number): string | undefined {
  const earlier = firstLine.get(id);
  if (earlier !== undefined) return `duplicate image id "${id}" (first on line ${earlier})`;
  firstLine.set(id, line);
  return undefined;
}
