import { describe, expect, it } from 'vitest';
import { modelWidthLabel } from './format.ts';

describe('modelWidthLabel', () => {
  it('names a ResNet v1 (stride on 1x1) at any width, and leaves v1.5 labels as they were', () => {
    expect(modelWidthLabel(undefined)).toBe('');
    expect(modelWidthLabel({})).toBe('');
    expect(modelWidthLabel({ width: 1 })).toBe('');
    expect(modelWidthLabel({ width: 0.25 })).toBe('ResNet-50 x1/4');
    expect(modelWidthLabel({ stride1x1: true })).toBe('ResNet-50 v1 (stride on 1x1)');
    expect(modelWidthLabel({ width: 1, stride1x1: true })).toBe('ResNet-50 v1 (stride on 1x1)');
    expect(modelWidthLabel({ width: 1 / 32, stride1x1: true })).toBe('ResNet-50 x1/32 v1 (stride on 1x1)');
  });
});
