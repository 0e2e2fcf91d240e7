import { describe, expect, it } from 'vitest';
import { Random } from './random.ts';

describe('Random', () => {
  it('is deterministic for a seed and differs across seeds', () => {
    const a = new Random(42);
    const b = new Random(42);
    const c = new Random(43);
    const seqA = Array.from({ length: 5 }, () => a.nextUint32());
    expect(Array.from({ length: 5 }, () => b.nextUint32())).toEqual(seqA);
    expect(Array.from({ length: 5 }, () => c.nextUint32())).not.toEqual(seqA);
  });

  it('has the moments of its distributions', () => {
    const random = new Random(7);
    const n = 200_000;
    let sum = 0, sumSq = 0, uniformSum = 0;
    for (let i = 0; i < n; i++) {
      const z = random.normal();
      sum += z;
      sumSq += z * z;
      uniformSum += random.next();
    }
    expect(Math.abs(sum / n)).toBeLessThan(0.01);
    expect(Math.abs(sumSq / n - 1)).toBeLessThan(0.02);
    expect(Math.abs(uniformSum / n - 0.5)).toBeLessThan(0.005);
  });

  it('int(n) covers [0, n) uniformly', () => {
    const random = new Random(1);
    const counts = new Array(6).fill(0);
    for (let i = 0; i < 60_000; i++) counts[random.int(6)] += 1;
    for (const count of counts) expect(Math.abs(count - 10_000)).toBeLessThan(400);
  });
});
