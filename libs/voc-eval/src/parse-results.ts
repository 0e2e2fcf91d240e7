import { InputError } from '@mgta/core';
import type { ClassDetections } from './detection.ts';

/**
 * Parsers of the devkit's result files. They run over the whole file text by hand, without
 * a split or a regex per line: a VOC07 detection submission is ~500k lines.
 * Fields are separated by spaces or tabs; blank lines are skipped; CRLF is accepted; a leading
 * byte-order mark is skipped (else it would be part of the first image id, invisibly).
 */

const DETECTION_FIELDS = ['image id', 'score', 'x1', 'y1', 'x2', 'y2'] as const;
const CLASSIFICATION_FIELDS = ['image id', 'score'] as const;

/**
 * `comp4_det_<split>_<cls>.txt`: `<id> <score> <x1> <y1> <x2> <y2>` per line. `imageIndex`
 * maps the split's ids to their position; an id outside it is an error, as in the devkit.
 */
export function parseDetectionResults(file: string, text: string, imageIndex: ReadonlyMap<string, number>, split: string): ClassDetections {
  const capacity = countLines(text);
  const image = new Int32Array(capacity);
  const score = new Float64Array(capacity);
  const boxes = new Float64Array(4 * capacity);
  let n = 0;
  forEachLine(file, text, DETECTION_FIELDS, (fields, line) => {
    image[n] = lookUpImage(file, text, fields, line, imageIndex, split);
    score[n] = parseNumber(file, text, fields[2], fields[3], line, 'score');
    for (let k = 0; k < 4; k++) {
      boxes[4 * n + k] = parseNumber(file, text, fields[4 + 2 * k], fields[5 + 2 * k], line, DETECTION_FIELDS[2 + k]);
    }
    // Inverted boxes (x2 < x1) are kept, as voc_eval.py keeps them: they overlap nothing.
    n++;
  });
  return { image: image.subarray(0, n), score: score.subarray(0, n), boxes: boxes.subarray(0, 4 * n) };
}

/**
 * `comp1_cls_<split>_<cls>.txt`: `<id> <score>` per line. Returns the scores in split order,
 * -Infinity for images the file leaves out (VOCevalcls.m). An id listed twice is an error
 * (the devkit would silently keep the last one).
 */
export function parseClassificationResults(file: string, text: string, imageIndex: ReadonlyMap<string, number>, split: string): Float64Array {
  const scores = new Float64Array(imageIndex.size).fill(-Infinity);
  const seenOnLine = new Int32Array(imageIndex.size);
  forEachLine(file, text, CLASSIFICATION_FIELDS, (fields, line) => {
    const i = lookUpImage(file, text, fields, line, imageIndex, split);
    if (seenOnLine[i] !== 0) {
      throw new InputError(file, `image "${text.slice(fields[0], fields[1])}" is listed twice (first on line ${seenOnLine[i]})`, { line });
    }
    seenOnLine[i] = line;
    scores[i] = parseNumber(file, text, fields[2], fields[3], line, 'score');
  });
  return scores;
}

function countLines(text: string): number {
  let lines = 1;
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) lines++;
  return lines;
}

const SPACE = 32, TAB = 9, CR = 13, NEWLINE = 10, BOM = 0xfeff;

/**
 * Calls `onLine` for each non-blank line with the start/end offsets of its fields in
 * `fields` (start0, end0, start1, end1, ...), after checking the field count.
 */
function forEachLine(
  file: string,
  text: string,
  names: readonly string[],
  onLine: (fields: Int32Array, line: number) => void,
): void {
  const expected = names.length;
  const fields = new Int32Array(2 * expected);
  let line = 0;
  let at = text.charCodeAt(0) === BOM ? 1 : 0;
  const length = text.length;
  while (at < length) {
    line++;
    let end = text.indexOf('\n', at);
    if (end === -1) end = length;
    let count = 0;
    let k = at;
    while (k < end) {
      let c = text.charCodeAt(k);
      if (c === SPACE || c === TAB || c === CR) {
        k++;
        continue;
      }
      const start = k;
      while (k < end && (c = text.charCodeAt(k)) !== SPACE && c !== TAB && c !== CR) k++;
      if (count < expected) {
        fields[2 * count] = start;
        fields[2 * count + 1] = k;
      }
      count++;
    }
    if (count !== 0) {
      if (count !== expected) {
        throw new InputError(file, `expected ${expected} fields (${names.join(', ')}) but found ${count}`, { line });
      }
      onLine(fields, line);
    }
    at = end + 1;
  }
}

function lookUpImage(
  file: string,
  text: string,
  fields: Int32Array,
  line: number,
  imageIndex: ReadonlyMap<string, number>,
  split: string,
): number {
  const id = text.slice(fields[0], fields[1]);
  const i = imageIndex.get(id);
  if (i === undefined) throw new InputError(file, `image "${id}" is not in the ${split} split`, { line, field: 'image id' });
  return i;
}

const ZERO = 48, LOWER_X = 120, UPPER_X = 88, LOWER_B = 98, UPPER_B = 66, LOWER_O = 111, UPPER_O = 79;

/** A finite decimal number, or an InputError naming the line and field. */
function parseNumber(file: string, text: string, start: number, end: number, line: number, field: string): number {
  const value = Number(text.slice(start, end));
  if (Number.isFinite(value)) {
    // Number() also reads 0x.., 0b.., 0o..; a result file never means those.
    if (text.charCodeAt(start) !== ZERO || end - start < 2) return value;
    const c = text.charCodeAt(start + 1);
    if (c !== LOWER_X && c !== UPPER_X && c !== LOWER_B && c !== UPPER_B && c !== LOWER_O && c !== UPPER_O) return value;
  }
  const raw = text.slice(start, end);
  const bare = raw.toLowerCase().replace(/^[+-]/, '');
  let problem = 'is not a decimal number';
  if (bare === 'nan') problem = 'is NaN';
  else if (bare === 'inf' || bare === 'infinity' || Math.abs(value) === Infinity) problem = 'is infinite';
  throw new InputError(file, `"${raw}" ${problem}`, { line, field });
}
