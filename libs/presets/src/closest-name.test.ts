import { describe, expect, it } from 'vitest';
import { closestName, editDistance } from './closest-name.ts';

describe('closestName', () => {
  it('picks the candidate with the smallest edit distance, ignoring case', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(closestName('learningrate', ['batchSize', 'learningRate'])).toBe('learningRate');
    expect(closestName('pretrian', ['data', 'pretrain', 'detection'])).toBe('pretrain');
  });
});
