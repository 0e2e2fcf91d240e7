import { describe, expect, it } from 'vitest';
import { checkFreeDisk, estimateBodyBytes } from './body-cache.ts';
import { float16ToFloat32Array, float32ToFloat16Array } from './float16.ts';

describe('float16 storage of body maps', () => {
  it('round-trips within half precision and keeps 0, inf and signs', () => {
    const values = Float32Array.from([0, -0, 1, -2.5, 65504, 1e-8, 3.14159, 1000.7, Infinity, 6.1e-5]);
    const back = float16ToFloat32Array(float32ToFloat16Array(values));
    for (let i = 0; i < values.length; i++) {
      if (values[i] === Infinity) expect(back[i]).toBe(Infinity);
      else expect(Math.abs(back[i] - values[i])).toBeLessThanOrEqual(Math.abs(values[i]) * 2 ** -11 + 6e-8);
    }
  });
});

describe('free-disk check', () => {
  it('estimates the paper-sized cache and refuses clearly when it does not fit', () => {
    // VOC07+12 trainval with flips at scale 600 / max 1000: tens of GB per model.
    const bytes = estimateBodyBytes(Array.from({ length: 2 * 16551 }, () => ({ width: 500, height: 375 })), { scale: 600, maxSize: 1000 });
    expect(bytes).toBeGreaterThan(30e9);
    expect(() => checkFreeDisk('/tmp', 1e18)).toThrow(/needs about .* GiB .*--no-cache/);
    expect(() => checkFreeDisk('/tmp', 1)).not.toThrow();
  });
});
