import { describe, expect, it } from 'vitest';
import { InputError } from './input-error.ts';

describe('InputError', () => {
  it('names the file, line and field', () => {
    expect(new InputError('a.txt', 'not a number', { line: 3, field: 'score' }).message).toBe('a.txt: line 3: score: not a number');
    expect(new InputError('b.xml', 'missing', { field: 'size.width' }).message).toBe('b.xml: size.width: missing');
  });
});
