import { Random } from '@mgta/core';
import type { FashionVocDataPreset } from '@mgta/presets';

/** One VOC<year> folder's scenes: ids, split membership and how many items each scene draws. */
export interface YearPlan {
  year: '2007' | '2012';
  ids: string[];
  splits: Record<string, string[]>;
  itemCounts: Map<string, number>;
  /** Which item pool each scene draws from: scenes of one pool never share Fashion-MNIST items with another pool. */
  pool: Map<string, ScenePool>;
}

export interface DatasetPlan {
  pretrainImages: number;
  /** Distinct Fashion-MNIST items behind the pretraining images: ceil(images / renderingsPerItem). */
  pretrainItems: number;
  /** Image i renders pretraining item floor(i / renderingsPerItem) (each rendering its own tint, background, place, scale). */
  renderingsPerItem: number;
  years: YearPlan[];
  /** Item draws: pretraining items plus every scene's item count. */
  itemsNeeded: number;
  /** `scenes.reuseItems`: scene pools cycle through their share of the items when the set is too small. */
  reuseItems: boolean;
  /**
   * The fewest Fashion-MNIST items the set must hold: `itemsNeeded`, or with `reuseItems` the
   * pretraining items plus one per scene pool that has scenes.
   */
  itemsRequired: number;
}

/** The scene pools, in the order they take their runs of the item permutation. */
export const SCENE_POOLS = ['voc2007-trainval', 'voc2007-test', 'voc2012-trainval'] as const;
export type ScenePool = (typeof SCENE_POOLS)[number];

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

  const years = [year2007, year2012];
  const sceneItems = years.reduce((sum, year) => sum + [...year.itemCounts.values()].reduce((a, b) => a + b, 0), 0);
  const renderingsPerItem = data.pretrain.renderingsPerItem ?? 1;
  const pretrainItems = Math.ceil(data.pretrain.images / renderingsPerItem);
  const itemsNeeded = pretrainItems + sceneItems;
  const reuseItems = data.scenes.reuseItems === true;
  const itemsRequired = reuseItems ? Math.min(itemsNeeded, pretrainItems + poolNeeds(years).filter((need) => need > 0).length) : itemsNeeded;
  return { pretrainImages: data.pretrain.images, pretrainItems, renderingsPerItem, years, itemsNeeded, reuseItems, itemsRequired };
}

/** Items each scene pool draws, in SCENE_POOLS order. */
function poolNeeds(years: YearPlan[]): number[] {
  return SCENE_POOLS.map((pool) => years.reduce((sum, year) => sum + year.ids.reduce((s, id) => s + (year.pool.get(id) === pool ? year.itemCounts.get(id)! : 0), 0), 0));
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
 *
 * With `plan.reuseItems` and fewer items left after pretraining than the scenes draw, each pool
 * gets a run of one item plus its share of the rest, in proportion to its draws, and its scenes
 * cycle through that run in order: items repeat within a pool, never across pools. When the
 * items suffice, the runs are exactly those above.
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
  const needs = poolNeeds(plan.years);
  const sceneItems = needs.reduce((a, b) => a + b, 0);
  const left = available - plan.pretrainItems;
  const cycle = plan.reuseItems && sceneItems > left;
  // One item for each pool that draws any, the rest shared in proportion to the draws (rounded down).
  const drawing = needs.filter((need) => need > 0).length;
  const shares = needs.map((need) => (need === 0 ? 0 : 1 + Math.floor(((left - drawing) * need) / sceneItems)));
  const scenes = new Map<string, number[]>();
  SCENE_POOLS.forEach((pool, p) => {
    let draw: (n: number) => number[] = take;
    if (cycle) {
      const run = take(shares[p]);
      let next = 0;
      draw = (n) => Array.from({ length: n }, () => run[next++ % run.length]);
    }
    for (const year of plan.years) {
      for (const id of year.ids) {
        if (year.pool.get(id) === pool) scenes.set(`${year.year}/${id}`, draw(year.itemCounts.get(id)!));
      }
    }
  });
  return { pretrain, scenes };
}
