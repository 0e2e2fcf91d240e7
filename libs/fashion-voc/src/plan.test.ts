import { describe, expect, it } from 'vitest';
import type { FashionVocDataPreset } from '@mgta/presets';
import { assignItems, holdoutItems, planDataset, SCENE_POOLS, type ScenePool } from './plan.ts';

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

describe('assignItems with scenes.reuseItems', () => {
  const REUSE: FashionVocDataPreset = { ...DATA, scenes: { ...DATA.scenes, reuseItems: true } };
  const poolItems = (plan: ReturnType<typeof planDataset>, scenes: Map<string, number[]>) => {
    const pools = new Map<ScenePool, number[]>();
    for (const year of plan.years) {
      for (const id of year.ids) {
        const pool = year.pool.get(id)!;
        pools.set(pool, [...(pools.get(pool) ?? []), ...scenes.get(`${year.year}/${id}`)!]);
      }
    }
    return pools;
  };

  it('needs only the pretraining items and one per pool; assigns exactly as without it when the set suffices', () => {
    const plain = planDataset(DATA, 3);
    const reuse = planDataset(REUSE, 3);
    expect(plain.itemsRequired).toBe(plain.itemsNeeded);
    expect(reuse.itemsNeeded).toBe(plain.itemsNeeded);
    expect(reuse.itemsRequired).toBe(50 + 3);
    expect(reuse.years).toEqual(plain.years);
    expect(assignItems(reuse, plain.itemsNeeded, 3)).toEqual(assignItems(plain, plain.itemsNeeded, 3));
  });

  it('cycles each pool through its own share when the set is too small: every draw made, pools disjoint', () => {
    const plan = planDataset(REUSE, 3);
    const available = 50 + 30;
    const { pretrain, scenes } = assignItems(plan, available, 3);
    expect(pretrain).toEqual(assignItems(planDataset(DATA, 3), available, 3).pretrain);
    for (const year of plan.years) {
      for (const id of year.ids) expect(scenes.get(`${year.year}/${id}`)).toHaveLength(year.itemCounts.get(id)!);
    }
    const pools = poolItems(plan, scenes);
    const distinct = SCENE_POOLS.map((pool) => new Set(pools.get(pool)));
    const all = distinct.flatMap((set) => [...set]);
    expect(new Set(all).size).toBe(all.length); // no item in two pools
    expect(all.filter((item) => pretrain.includes(item))).toEqual([]);
    expect(all.every((item) => Number.isInteger(item) && item >= 0 && item < available)).toBe(true);
    expect(all.length).toBeLessThanOrEqual(30);
    expect(all.length).toBeGreaterThanOrEqual(27); // one each, the rest shared rounding down
    // A pool's share follows its draws: VOC2007 trainval and test (20 scenes each) get about twice VOC2012's (10).
    const sizes = distinct.map((set) => set.size);
    expect(sizes[2]).toBeLessThan(sizes[0]);
    // Cycling in order: a pool's draws run through its items before any repeats.
    const trainval = pools.get('voc2007-trainval')!;
    expect(new Set(trainval.slice(0, distinct[0].size)).size).toBe(distinct[0].size);
    expect(trainval[distinct[0].size]).toBe(trainval[0]);
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
