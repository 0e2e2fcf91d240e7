import { Buffer } from 'node:buffer';
import { InputError } from '@mgta/core';
import { scanDecimal } from './decimal.ts';
import type { ClassDetections } from './detection.ts';

/**
 * Parsers of the devkit's result files. They run over the file's UTF-8 bytes by hand, without
 * decoding the file into a string and without a split or a regex per line: a VOC07 detection
 * submission is ~500k lines (14 MB), and in a fresh `mgta eval-det` process decoding it cost
 * more than parsing it. Only image ids, numbers off the fast path (decimal.ts) and the text of
 * error messages are decoded; the separators are ASCII bytes, which never occur inside a
 * multi-byte UTF-8 sequence, so a field decodes to the same string as in the decoded file.
 * Fields are separated by spaces or tabs; blank lines are skipped; CRLF is accepted; a leading
 * byte-order mark is skipped (else it would be part of the first image id, invisibly).
 */

/** A result file's content: its bytes, or its text (encoded to UTF-8 first). */
export type ResultText = Uint8Array | string;

const DETECTION_FIELDS = ['image id', 'score', 'x1', 'y1', 'x2', 'y2'] as const;
const CLASSIFICATION_FIELDS = ['image id', 'score'] as const;

/**
 * `comp4_det_<split>_<cls>.txt`: `<id> <score> <x1> <y1> <x2> <y2>` per line. `imageIndex`
 * maps the split's ids to their position; an id outside it is an error, as in the devkit.
 */
export function parseDetectionResults(file: string, content: ResultText, imageIndex: ReadonlyMap<string, number>, split: string): ClassDetections {
  const bytes = asBuffer(content);
  const capacity = countLines(bytes);
  const image = new Int32Array(capacity);
  const score = new Float64Array(capacity);
  const boxes = new Float64Array(4 * capacity);
  let n = 0;
  // Detectron and most detectors write a class's detections image by image: a line whose id
  // has the previous line's bytes reuses its index, without decoding it and a map look-up.
  let previousStart = 0;
  let previousEnd = 0;
  let previousImage = -1;
  const lines = new FieldLines(file, bytes, DETECTION_FIELDS);
  const fields = lines.fields;
  while (lines.next()) {
    const line = lines.line;
    if (previousImage === -1 || !sameBytes(bytes, fields[0], fields[1], previousStart, previousEnd)) {
      previousImage = lookUpImage(file, bytes, fields, line, imageIndex, split);
      previousStart = fields[0];
      previousEnd = fields[1];
    }
    image[n] = previousImage;
    score[n] = parseNumber(file, bytes, fields[2], fields[3], line, 'score');
    for (let k = 0; k < 4; k++) {
      boxes[4 * n + k] = parseNumber(file, bytes, fields[4 + 2 * k], fields[5 + 2 * k], line, DETECTION_FIELDS[2 + k]);
    }
    // Inverted boxes (x2 < x1) are kept, as voc_eval.py keeps them: they overlap nothing.
    n++;
  }
  return { image: image.subarray(0, n), score: score.subarray(0, n), boxes: boxes.subarray(0, 4 * n) };
}

/**
 * `comp1_cls_<split>_<cls>.txt`: `<id> <score>` per line. Returns the scores in split order,
 * -Infinity for images the file leaves out (VOCevalcls.m). An id listed twice is an error
 * (the devkit would silently keep the last one).
 */
export function parseClassificationResults(file: string, content: ResultText, imageIndex: ReadonlyMap<string, number>, split: string): Float64Array {
  const bytes = asBuffer(content);
  const scores = new Float64Array(imageIndex.size).fill(-Infinity);
  const seenOnLine = new Int32Array(imageIndex.size);
  const lines = new FieldLines(file, bytes, CLASSIFICATION_FIELDS);
  const fields = lines.fields;
  while (lines.next()) {
    const line = lines.line;
    const i = lookUpImage(file, bytes, fields, line, imageIndex, split);
    if (seenOnLine[i] !== 0) {
      throw new InputError(file, `image "${bytes.toString('utf8', fields[0], fields[1])}" is listed twice (first on line ${seenOnLine[i]})`, { line });
    }
    seenOnLine[i] = line;
    scores[i] = parseNumber(file, bytes, fields[2], fields[3], line, 'score');
  }
  return scores;
}

/** The bytes as a Buffer (a view, no copy), for its UTF-8 decoding of single fields. */
function asBuffer(content: ResultText): Buffer {
  if (typeof content === 'string') return Buffer.from(content, 'utf8');
  return Buffer.isBuffer(content) ? content : Buffer.from(content.buffer, content.byteOffset, content.byteLength);
}

const SPACE = 32, TAB = 9, CR = 13, NEWLINE = 10;
const BOM = [0xef, 0xbb, 0xbf]; // U+FEFF in UTF-8

function countLines(bytes: Uint8Array): number {
  let lines = 1;
  for (let at = bytes.indexOf(NEWLINE); at !== -1; at = bytes.indexOf(NEWLINE, at + 1)) lines++;
  return lines;
}

function sameBytes(bytes: Uint8Array, start: number, end: number, otherStart: number, otherEnd: number): boolean {
  if (end - start !== otherEnd - otherStart) return false;
  for (let k = 0; k < end - start; k++) if (bytes[start + k] !== bytes[otherStart + k]) return false;
  return true;
}

/**
 * The non-blank lines of a file, one at a time: `next()` moves to the next one and sets
 * `fields` to the start/end offsets of its fields (start0, end0, start1, end1, ...) after
 * checking their count, and `line` to its 1-based number. (An iterator object rather than a
 * callback per line: a new callback per file made V8 throw away the optimised loop.)
 */
class FieldLines {
  readonly fields: Int32Array;
  line = 0;
  private at = 0;

  constructor(
    private readonly file: string,
    private readonly bytes: Uint8Array,
    private readonly names: readonly string[],
  ) {
    this.fields = new Int32Array(2 * names.length);
    // Byte-order marks: a UTF-8 editor writes one, and it would be part of the first image id.
    while (this.at + 2 < bytes.length && bytes[this.at] === BOM[0] && bytes[this.at + 1] === BOM[1] && bytes[this.at + 2] === BOM[2]) this.at += 3;
  }

  next(): boolean {
    const { bytes, fields } = this;
    const length = bytes.length;
    const expected = this.names.length;
    let k = this.at;
    while (k < length) {
      this.line++;
      let count = 0;
      for (;;) {
        let c = 0;
        while (k < length && ((c = bytes[k]) === SPACE || c === TAB || c === CR)) k++;
        if (k === length || c === NEWLINE) break;
        const start = k;
        while (k < length && (c = bytes[k]) !== SPACE && c !== TAB && c !== CR && c !== NEWLINE) k++;
        if (count < expected) {
          fields[2 * count] = start;
          fields[2 * count + 1] = k;
        }
        count++;
      }
      k++; // past the newline
      if (count === 0) continue;
      if (count !== expected) {
        throw new InputError(this.file, `expected ${expected} fields (${this.names.join(', ')}) but found ${count}`, { line: this.line });
      }
      this.at = k;
      return true;
    }
    this.at = k;
    return false;
  }
}

function lookUpImage(
  file: string,
  bytes: Buffer,
  fields: Int32Array,
  line: number,
  imageIndex: ReadonlyMap<string, number>,
  split: string,
): number {
  const id = bytes.toString('utf8', fields[0], fields[1]);
  const i = imageIndex.get(id);
  if (i === undefined) throw new InputError(file, `image "${id}" is not in the ${split} split`, { line, field: 'image id' });
  return i;
}

const ZERO = 48, LOWER_X = 120, UPPER_X = 88, LOWER_B = 98, UPPER_B = 66, LOWER_O = 111, UPPER_O = 79;

/** A finite decimal number, or an InputError naming the line and field. */
function parseNumber(file: string, bytes: Buffer, start: number, end: number, line: number, field: string): number {
  const scanned = scanDecimal(bytes, start, end);
  if (!Number.isNaN(scanned)) return scanned;
  // Anything else (exponents, long mantissas, errors): as Number() reads the text.
  const raw = bytes.toString('utf8', start, end);
  const value = Number(raw);
  if (Number.isFinite(value)) {
    // Number() also reads 0x.., 0b.., 0o..; a result file never means those.
    if (raw.charCodeAt(0) !== ZERO || raw.length < 2) return value;
    const c = raw.charCodeAt(1);
    if (c !== LOWER_X && c !== UPPER_X && c !== LOWER_B && c !== UPPER_B && c !== LOWER_O && c !== UPPER_O) return value;
  }
  const bare = raw.toLowerCase().replace(/^[+-]/, '');
  let problem = 'is not a decimal number';
  if (bare === 'nan') problem = 'is NaN';
  else if (bare === 'inf' || bare === 'infinity' || Math.abs(value) === Infinity) problem = 'is infinite';
  throw new InputError(file, `"${raw}" ${problem}`, { line, field });
}
