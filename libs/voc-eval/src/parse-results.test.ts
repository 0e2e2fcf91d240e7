import { Buffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { InputError, Random } from '@mgta/core';
import { parseClassificationResults, parseDetectionResults } from './parse-results.ts';
import { errorOf } from '@mgta/core/testing';

const index = new Map([
  ['000001', 0],
  ['000002', 1],
  ['000003', 2],
]);


describe('parseDetectionResults', () => {
  it('reads lines in file order, with tabs, CRLF, repeated spaces and blank lines', () => {
    const text = '000002 0.5 1 2 3 4\r\n\n000001\t0.25  10.5 20 30 40e0\n   \n000002 -1e-3 0 0 0 0';
    const dets = parseDetectionResults('f.txt', text, index, 'test');
    expect(Array.from(dets.image)).toEqual([1, 0, 1]);
    expect(Array.from(dets.score)).toEqual([0.5, 0.25, -0.001]);
    expect(Array.from(dets.boxes)).toEqual([1, 2, 3, 4, 10.5, 20, 30, 40, 0, 0, 0, 0]);
  });

  it('skips a leading UTF-8 byte-order mark', () => {
    expect(Array.from(parseDetectionResults('f.txt', '\uFEFF000002 0.5 1 2 3 4\n', index, 'test').image)).toEqual([1]);
    expect(Array.from(parseClassificationResults('f.txt', '\uFEFF000003 0.5\n', index, 'test'))).toEqual([-Infinity, -Infinity, 0.5]);
  });

  it('reads an empty file as no detections', () => {
    expect(parseDetectionResults('f.txt', '', index, 'test').score).toHaveLength(0);
    expect(parseDetectionResults('f.txt', '\n\n', index, 'test').score).toHaveLength(0);
  });

  it('names the file, line and problem of bad lines', () => {
    const parse = (text: string) => errorOf(() => parseDetectionResults('comp4.txt', text, index, 'test'));
    expect(parse('000001 1 1 1 2 2\n999999 0.5 1 1 2 2\n').message).toBe(
      'comp4.txt: line 2: image id: image "999999" is not in the test split',
    );
    expect(parse('000001 nan 1 1 2 2').message).toBe('comp4.txt: line 1: score: "nan" is NaN');
    expect(parse('000001 0.1 1 1 2 2\n000001 -Infinity 1 1 2 2').message).toBe('comp4.txt: line 2: score: "-Infinity" is infinite');
    expect(parse('000001 1e400 1 1 2 2').message).toBe('comp4.txt: line 1: score: "1e400" is infinite');
    expect(parse('000001 0.5 1 1 2').message).toBe(
      'comp4.txt: line 1: expected 6 fields (image id, score, x1, y1, x2, y2) but found 5',
    );
    expect(parse('000001 0.5 1 1 2 2 7').message).toMatch(/^comp4\.txt: line 1: expected 6 fields .* but found 7$/);
    expect(parse('000001 0.5 1 abc 2 2').message).toBe('comp4.txt: line 1: y1: "abc" is not a decimal number');
    expect(parse('000001 0x10 1 1 2 2').message).toBe('comp4.txt: line 1: score: "0x10" is not a decimal number');
    expect(parse('\n\n000001 0.5 1 1 2 2,').message).toMatch(/^comp4\.txt: line 3: y2: "2," is not a decimal number$/);
  });
});

describe('parseDetectionResults on bytes', () => {
  /** What the parser must give: the text split into lines and fields, numbers read by Number(). */
  function reference(text: string, imageIndex: ReadonlyMap<string, number>) {
    const rows = text.replace(/^\uFEFF/, '').split('\n').map((line) => line.split(/[ \t\r]+/).filter((f) => f !== '')).filter((f) => f.length > 0);
    return {
      image: rows.map((f) => imageIndex.get(f[0])!),
      score: rows.map((f) => Number(f[1])),
      boxes: rows.flatMap((f) => f.slice(2).map(Number)),
    };
  }

  it('reads 20,000 random lines exactly as splitting the text and Number() do, from bytes or from text', () => {
    const random = new Random(7);
    const ids = ['000001', '000002', '00000', '0000011', 'ünïcode', '2008_000123'];
    const imageIndex = new Map(ids.map((id, i) => [id, i]));
    const number = (): string => {
      const value = (random.next() - 0.3) * 10 ** random.int(6);
      switch (random.int(6)) {
        case 0: return value.toFixed(1); // Detectron's boxes
        case 1: return value.toFixed(3); // Detectron's scores
        case 2: return String(value); // shortest round trip, up to 17 digits
        case 3: return value.toExponential(random.int(5));
        case 4: return String(Math.round(value));
        default: return Math.fround(value).toPrecision(1 + random.int(17));
      }
    };
    const separators = [' ', ' ', ' ', '\t', '  ', ' \t '];
    const lines: string[] = [];
    for (let k = 0; k < 20_000; k++) {
      // Runs of the same image, as detectors write them, and now and then another.
      const id = ids[random.next() < 0.8 && k > 0 ? Math.min(ids.length - 1, Math.floor(k / 3000)) : random.int(ids.length)];
      const fields = [id, number(), number(), number(), number(), number()];
      lines.push(fields.map((f, i) => (i === 0 ? '' : separators[random.int(separators.length)]) + f).join('') + (random.next() < 0.1 ? '\r' : ''));
      if (random.next() < 0.01) lines.push('');
    }
    const text = '\uFEFF' + lines.join('\n') + '\n';
    const want = reference(text, imageIndex);
    for (const content of [text, Buffer.from(text, 'utf8'), new Uint8Array(Buffer.from(text, 'utf8'))]) {
      const got = parseDetectionResults('f.txt', content, imageIndex, 'test');
      expect(Array.from(got.image)).toEqual(want.image);
      // Same doubles, bit for bit (Object.is also tells -0 from 0).
      expect(Array.from(got.score).every((v, i) => Object.is(v, want.score[i]))).toBe(true);
      expect(Array.from(got.boxes).every((v, i) => Object.is(v, want.boxes[i]))).toBe(true);
    }
  });

  it('reads ids of several bytes per character, and names ids that are not UTF-8 as decoded', () => {
    const index = new Map([['ünï', 0], ['a\uFFFDb', 1]]);
    const bytes = Buffer.concat([Buffer.from('ünï 1 1 1 2 2\n', 'utf8'), Buffer.from([0x61, 0xc3, 0x62]), Buffer.from(' 1 1 1 2 2\n')]);
    expect(Array.from(parseDetectionResults('f.txt', bytes, index, 'test').image)).toEqual([0, 1]);
    expect(errorOf(() => parseDetectionResults('f.txt', Buffer.from('x\u00e9 1 1 1 2 2\n'), index, 'test')).message).toBe(
      'f.txt: line 1: image id: image "x\u00e9" is not in the test split',
    );
  });

  it('does not take an id for the previous one when it only starts the same', () => {
    const dets = parseDetectionResults('f.txt', '000001 1 1 1 2 2\n00000 1 1 1 2 2\n000001 1 1 1 2 2\n0000011 1 1 1 2 2\n', new Map([['000001', 0], ['00000', 1], ['0000011', 2]]), 'test');
    expect(Array.from(dets.image)).toEqual([0, 1, 0, 2]);
  });
});

describe('parseClassificationResults', () => {
  it('returns scores in split order, -Infinity for images left out', () => {
    const scores = parseClassificationResults('f.txt', '000003 0.5\n000001 -2\n', index, 'test');
    expect(Array.from(scores)).toEqual([-2, -Infinity, 0.5]);
  });

  it('names the file, line and problem of bad lines', () => {
    const parse = (text: string) => errorOf(() => parseClassificationResults('comp1.txt', text, index, 'val'));
    expect(parse('000001 0.5\n000009 0.5').message).toBe('comp1.txt: line 2: image id: image "000009" is not in the val split');
    expect(parse('000001 0.5\n000002 0.1\n000001 0.4').message).toBe(
      'comp1.txt: line 3: image "000001" is listed twice (first on line 1)',
    );
    expect(parse('000001 NaN').message).toBe('comp1.txt: line 1: score: "NaN" is NaN');
    expect(parse('000001 inf').message).toBe('comp1.txt: line 1: score: "inf" is infinite');
    expect(parse('000001').message).toBe('comp1.txt: line 1: expected 2 fields (image id, score) but found 1');
    expect(parse('000001 0.5 0.7').message).toBe('comp1.txt: line 1: expected 2 fields (image id, score) but found 3');
    expect(errorOf(() => parseClassificationResults('comp1.txt', '000001 0.5 0.7', index, 'val')).line).toBe(1);
  });
});
