import type { Random } from '@mgta/core';

/**
 * `count` distinct items drawn uniformly at random, in random order (the role of numpy's
 * npr.choice(items, size=count, replace=False); the random streams differ).
 */
export function sampleWithoutReplacement(items: readonly number[], count: number, random: Random): number[] {
  if (count > items.length) throw new Error(`cannot draw ${count} of ${items.length} items without replacement`);
  const pool = items.slice();
  for (let i = 0; i < count; i++) {
    const j = i + random.int(pool.length - i);
    [pool[i], pool[j]] = [pool[j], pool[i]];
  }
  return pool.slice(0, count);
}

/** `count` independent uniform draws from `items` (numpy's items[npr.randint(len(items), size=count)]). */
export function sampleWithReplacement(items: readonly number[], count: number, random: Random): number[] {
  return Array.from({ length: count }, () => items[random.int(items.length)]);
}
