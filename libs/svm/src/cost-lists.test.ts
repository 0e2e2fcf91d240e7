import { describe, expect, it } from 'vitest';
import { COST_LISTS, parseCosts } from './cost-lists.ts';

describe('cost lists', () => {
  it('goyal2019: 10 decades 1e-7..100, then 0.5^4..0.5^19 (26 costs, in that order)', () => {
    const costs = COST_LISTS.goyal2019;
    expect(costs).toHaveLength(26);
    expect(costs.slice(0, 10)).toEqual([1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 0.01, 0.1, 1, 10, 100]);
    expect(costs[10]).toBe(0.0625);
    expect(costs[25]).toBe(2 ** -19);
    for (let k = 11; k < 26; k++) expect(costs[k]).toBe(costs[k - 1] / 2);
  });

  it('vissl and mmselfsup', () => {
    expect(COST_LISTS.vissl).toEqual([0.01, 0.1, 1, 2, 5, 10, 15, 20, 50, 100, 1000]);
    expect(COST_LISTS.mmselfsup).toHaveLength(19);
    expect(COST_LISTS.mmselfsup.slice(0, 4)).toEqual([1, 10, 100, 0.0625]);
  });

  it('parses explicit lists in the given order and rejects bad ones', () => {
    expect(parseCosts('vissl')).toEqual(COST_LISTS.vissl);
    expect(parseCosts('10, 0.5,1e-3')).toEqual([10, 0.5, 0.001]);
    expect(() => parseCosts('1,,2')).toThrow(RangeError);
    expect(() => parseCosts('1,-2')).toThrow(/"-2"/);
    expect(() => parseCosts('1,1')).toThrow(/twice/);
    expect(() => parseCosts('goyal')).toThrow(RangeError);
  });
});
