import { Random } from '@mgta/core';
import type { FashionVocDataPreset } from '@mgta/presets';

/** One VOC<year> folder's scenes: ids, split membership and how many items each scene draws. */
export interface YearPlan {
  year: '2007' | '2012';
  ids: string[];
  splits: Record<string, string[]>;
  itemCounts: Map<string, number>;
  /** Which item pool each scene draws from: scenes of one pool never share Fashion-MNIST items with another pool. */
  pool: Map<string, 'voc2007-trainval' | 'voc2007-test' | 'voc2012-trainval'>;
}

export interface DatasetPlan {
  pretrainImages: number;
  /** Distinct Fashion-MNIST items behind the pretraining images: ceil(images / renderingsPerItem). */
  pretrainItems: number;
  /** Image i renders pretraining item floor(i / renderingsPerItem) (each rendering its own tint, background, place, scale). */
  renderingsPerItem: number;
  years: YearPlan[];
  itemsNeeded: number;
}

const sortIds = (ids: string[]): string[] => [...ids].sort();

function trainValSplit(rng: Random, trainval: string[], valFraction: number): { train: string[]; val: string[] } {
  const shuffled = rng.shuffle([...trainval]);
  const valCount = Math.max(1, Math.min(trainval.length - 1, Math.round(valFraction * trainval.length)));
  return { val: sortIds(shuffled.slice(0, valCount)), train: sortIds(shuffled.slice(valCount)) };
}

/**
 * Decides everything that does not need pixels: scene ids (VOC2007 style `000001`, VOC2012 style
 * `2012_000001`), the splits (trainval and test ids interleave as in VOC2007), and item counts, so
 * the number of Fashion-MNIST items needed is known before loading them.
 */
export function planDataset(data: FashionVocDataPreset, seed: number): DatasetPlan {
  const rng = new Random(seed).fork(2);
  const itemCount = (): number => 1 + rng.int(data.scenes.maxItems);

  const total2007 = data.voc2007.trainval + data.voc2007.test;
  const ids2007 = Array.from({ length: total2007 }, (_, i) => String(i + 1).padStart(6, '0'));
  const shuffled = rng.shuffle([...ids2007]);
  const trainval2007 = sortIds(shuffled.slice(0, data.voc2007.trainval));
  const test2007 = sortIds(shuffled.slice(data.voc2007.trainval));
  const split2007 = trainValSplit(rng, trainval2007, data.voc2007.valFraction);
  const testSet = new Set(test2007);
  const year2007: YearPlan = {
    year: '2007',
    ids: ids2007,
    splits: { train: split2007.train, val: split2007.val, trainval: trainval2007, test: test2007 },
    itemCounts: new Map(ids2007.map((id) => [id, itemCount()])),
    pool: new Map(ids2007.map((id) => [id, testSet.has(id) ? 'voc2007-test' : 'voc2007-trainval'])),
  };

  const ids2012 = Array.from({ length: data.voc2012.trainval }, (_, i) => `2012_${String(i + 1).padStart(6, '0')}`);
  const split2012 = trainValSplit(rng, ids2012, data.voc2012.valFraction);
  const year2012: YearPlan = {
    year: '2012',
    ids: ids2012,
    splits: { train: split2012.train, val: split2012.val, trainval: ids2012 },
    itemCounts: new Map(ids2012.map((id) => [id, itemCount()])),
    pool: new Map(ids2012.map((id) => [id, 'voc2012-trainval'])),
  };

  const sceneItems = [year2007, year2012].reduce((sum, year) => sum + [...year.itemCounts.values()].reduce((a, b) => a + b, 0), 0);
  const renderingsPerItem = data.pretrain.renderingsPerItem ?? 1;
  const pretrainItems = Math.ceil(data.pretrain.images / renderingsPerItem);
  return { pretrainImages: data.pretrain.images, pretrainItems, renderingsPerItem, years: [year2007, year2012], itemsNeeded: pretrainItems + sceneItems };
}

/**
 * The held-out pretraining items: `round(fraction * items)` of the `items` pretraining item
 * positions (at least one when the fraction is above 0, never all), a seeded choice of its own
 * random stream, so it moves no other draw. Returned sorted. Every rendering of a held-out item is
 * held out (see generate.ts), so no held-out item is ever seen in training.
 */
export function holdoutItems(items: number, fraction: number, seed: number): number[] {
  if (fraction <= 0 || items < 2) return [];
  const count = Math.min(items - 1, Math.max(1, Math.round(fraction * items)));
  return new Random(seed).fork(6).shuffle(Array.from({ length: items }, (_, i) => i)).slice(0, count).sort((a, b) => a - b);
}

/**
 * Splits a seeded permutation of all item indices into disjoint consecutive runs:
 * pretraining first (`pretrainItems` of them, whatever the renderings per item), then each scene
 * pool in a fixed order. Fewer pretraining items (more renderings per item) leave more of the set
 * to the scenes; the scene pools then start earlier in the permutation, so their items change too.
 */
export function assignItems(plan: DatasetPlan, available: number, seed: number): { pretrain: number[]; scenes: Map<string, number[]> } {
  const permutation = new Random(seed).fork(1).shuffle(Array.from({ length: available }, (_, i) => i));
  let cursor = 0;
  const take = (n: number): number[] => {
    const run = permutation.slice(cursor, cursor + n);
    cursor += n;
    return run;
  };
  const pretrain = take(plan.pretrainItems);
  const scenes = new Map<string, number[]>();
  for (const pool of ['voc2007-trainval', 'voc2007-test', 'voc2012-trainval'] as const) {
    for (const year of plan.years) {
      for (const id of year.ids) {
        if (year.pool.get(id) === pool) scenes.set(`${year.year}/${id}`, take(year.itemCounts.get(id)!));
      }
    }
  }
  return { pretrain, scenes };
}
