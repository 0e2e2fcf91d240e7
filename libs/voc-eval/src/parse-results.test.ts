import { describe, expect, it } from 'vitest';
import { InputError } from '@mgta/core';
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
