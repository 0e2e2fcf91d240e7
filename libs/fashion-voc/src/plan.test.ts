import { describe, expect, it } from 'vitest';
import type { FashionVocDataPreset } from '@mgta/presets';
import { assignItems, holdoutItems, planDataset } from './plan.ts';

const DATA: FashionVocDataPreset = {
  source: 'fashion-voc',
  pretrain: { images: 50, size: 32, format: 'png' },
  scenes: { minSize: 64, maxSize: 80, maxItems: 4, minItemScale: 0.2, maxItemScale: 0.6, jpegQuality: 90 },
  voc2007: { trainval: 20, test: 20, valFraction: 0.5 },
  voc2012: { trainval: 10, valFraction: 0.5 },
};

describe('planDataset with renderings per item', () => {
  it('needs ceil(images / renderingsPerItem) pretraining items; the scenes plan does not change', () => {
    const one = planDataset(DATA, 3);
    const four = planDataset({ ...DATA, pretrain: { ...DATA.pretrain, renderingsPerItem: 4 } }, 3);
    expect([one.pretrainImages, one.pretrainItems, one.renderingsPerItem]).toEqual([50, 50, 1]);
    expect([four.pretrainImages, four.pretrainItems, four.renderingsPerItem]).toEqual([50, 13, 4]);
    expect(four.years).toEqual(one.years);
    expect(one.itemsNeeded - four.itemsNeeded).toBe(37);
    const assignment = assignItems(four, 1000, 3);
    expect(assignment.pretrain).toHaveLength(13);
    const all = [...assignment.pretrain, ...[...assignment.scenes.values()].flat()];
    expect(new Set(all).size).toBe(all.length);
  });
});

describe('holdoutItems', () => {
  it('holds out round(fraction * items) positions, sorted, seeded', () => {
    const held = holdoutItems(200, 0.1, 5);
    expect(held).toHaveLength(20);
    expect(held).toEqual([...held].sort((a, b) => a - b));
    expect(new Set(held).size).toBe(20);
    expect(held.every((i) => Number.isInteger(i) && i >= 0 && i < 200)).toBe(true);
    expect(holdoutItems(200, 0.1, 5)).toEqual(held);
    expect(holdoutItems(200, 0.1, 6)).not.toEqual(held);
  });

  it('holds out nothing at fraction 0, at least one item above 0, never every item', () => {
    expect(holdoutItems(200, 0, 5)).toEqual([]);
    expect(holdoutItems(5, 0.01, 5)).toHaveLength(1);
    expect(holdoutItems(2, 0.5, 5)).toHaveLength(1);
    expect(holdoutItems(1, 0.5, 5)).toEqual([]);
  });
});
