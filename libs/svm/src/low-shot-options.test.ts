import { describe, expect, it } from 'vitest';
import { parseLowShotK } from './low-shot-options.ts';

describe('parseLowShotK', () => {
  it('gives Goyal\'s list for the bare flag and keeps a given list in order', () => {
    expect(parseLowShotK(true)).toEqual([1, 2, 4, 8, 16, 32, 64, 96]);
    expect(parseLowShotK('4, 1,2')).toEqual([4, 1, 2]);
  });

  it('names the bad token', () => {
    expect(() => parseLowShotK('1,x')).toThrow('"1,x": "x" is not a positive integer');
    expect(() => parseLowShotK('0')).toThrow('"0": "0" is not a positive integer');
    expect(() => parseLowShotK('2.5')).toThrow('"2.5": "2.5" is not a positive integer');
    expect(() => parseLowShotK('1,,2')).toThrow('expected comma-separated positive integers');
    expect(() => parseLowShotK('2,2')).toThrow('a k value is listed twice');
  });
});
