import { describe, expect, it } from 'vitest';
import { avgPoolFlatten, GOYAL_POOLING, pooledSize } from './pooling.ts';

describe('Goyal pooling', () => {
  it('gives the ~9k-dimensional features of Goyal et al. at 224x224', () => {
    const maps = { conv1: [64, 112], res2: [256, 56], res3: [512, 28], res4: [1024, 14], res5: [2048, 7] } as const;
    const dims = Object.fromEntries(
      Object.entries(maps).map(([layer, [c, s]]) => [layer, c * pooledSize(s, GOYAL_POOLING[layer as keyof typeof maps]) ** 2]),
    );
    expect(dims).toEqual({ conv1: 9216, res2: 9216, res3: 8192, res4: 9216, res5: 8192 });
  });

  it('averages windows in (c, y, x) order and counts padding as zeros', () => {
    // One image, 2 channels of 4x4: channel 0 holds 0..15, channel 1 holds 100.
    const maps = new Float32Array(32);
    for (let i = 0; i < 16; i++) { maps[i] = i; maps[16 + i] = 100; }
    const pooled = avgPoolFlatten(maps, [1, 2, 4, 4], { kernel: 2, stride: 2, padding: 0 });
    // Windows of channel 0: {0,1,4,5} {2,3,6,7} {8,9,12,13} {10,11,14,15}.
    expect(Array.from(pooled)).toEqual([2.5, 4.5, 10.5, 12.5, 100, 100, 100, 100]);
    // kernel 3, stride 3, pad 1 on channel 1: window (0,0) covers 2x2 real cells of 9.
    const padded = avgPoolFlatten(maps, [1, 2, 4, 4], { kernel: 3, stride: 3, padding: 1 });
    expect(padded[4]).toBeCloseTo((4 * 100) / 9, 5);
  });

  it('equals a direct window loop for every Goyal layer at 224x224 (two images)', () => {
    const maps = { conv1: [64, 112], res2: [256, 56], res3: [512, 28], res4: [1024, 14], res5: [2048, 7] } as const;
    let seed = 1;
    const next = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 4 - 1;
    for (const [layer, [channels, size]] of Object.entries(maps)) {
      const spec = GOYAL_POOLING[layer as keyof typeof maps];
      const input = Float32Array.from({ length: 2 * channels * size * size }, next);
      const got = avgPoolFlatten(input, [2, channels, size, size], spec);
      const out = pooledSize(size, spec);
      let worst = 0;
      for (let n = 0; n < 2; n++) for (let c = 0; c < channels; c++) for (let oy = 0; oy < out; oy++) for (let ox = 0; ox < out; ox++) {
        let sum = 0;
        for (let dy = 0; dy < spec.kernel; dy++) for (let dx = 0; dx < spec.kernel; dx++) {
          const y = oy * spec.stride - spec.padding + dy;
          const x = ox * spec.stride - spec.padding + dx;
          if (y >= 0 && y < size && x >= 0 && x < size) sum += input[((n * channels + c) * size + y) * size + x];
        }
        const index = ((n * channels + c) * out + oy) * out + ox;
        worst = Math.max(worst, Math.abs(got[index] - sum / (spec.kernel * spec.kernel)));
      }
      expect(worst, layer).toBeLessThan(1e-6);
    }
  });
});
