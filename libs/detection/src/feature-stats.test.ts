import { describe, expect, it } from 'vitest';
import { FLOAT16_MAX, ScaleAccumulator, divergenceText, float16Overflow, float16Scale, firstNonFiniteHalf } from './feature-stats.ts';
import { float32ToFloat16Array } from './float16.ts';

describe('feature scale', () => {
  it('RMS and max of float32 chunks, merged across accumulators', () => {
    const a = new ScaleAccumulator().add([3, -4]);
    const b = new ScaleAccumulator().add([0, 0]);
    expect(a.result()).toEqual({ rms: Math.sqrt(12.5), maxAbs: 4, count: 2 });
    expect(a.merge(b).result()).toEqual({ rms: Math.sqrt(25 / 4), maxAbs: 4, count: 4 });
    expect(new ScaleAccumulator().result()).toEqual({ rms: 0, maxAbs: 0, count: 0 });
    expect(new ScaleAccumulator().add([1, NaN]).result().maxAbs).toBeNaN();
    expect(new ScaleAccumulator().add([NaN, 1]).result().maxAbs).toBeNaN();
    expect(new ScaleAccumulator().add([2]).merge(new ScaleAccumulator().add([NaN])).result().maxAbs).toBeNaN();
    expect(float16Scale([float32ToFloat16Array([NaN, 1, 2])]).maxAbs).toBeNaN();
  });

  it('of float16 data equals that of the values it holds, over several chunks', () => {
    const values = Float32Array.from([0, 0.5, 2, 1000, 3, 0.25]);
    const scale = float16Scale([float32ToFloat16Array(values.subarray(0, 2)), float32ToFloat16Array(values.subarray(2))]);
    const expected = new ScaleAccumulator().add(values).result();
    expect(scale.count).toBe(6);
    expect(scale.maxAbs).toBe(1000);
    expect(scale.rms).toBeCloseTo(expected.rms, 10);
  });

  it('finds Inf/NaN halves and float32 values float16 cannot hold', () => {
    expect(firstNonFiniteHalf(float32ToFloat16Array([1, 2, 3]))).toBe(-1);
    expect(firstNonFiniteHalf(float32ToFloat16Array([1, 70000, 3]))).toBe(1);
    expect(firstNonFiniteHalf(float32ToFloat16Array([1, 2, NaN]))).toBe(2);
    expect(float16Overflow(Float32Array.from([1, FLOAT16_MAX, -2]))).toEqual({ maxAbs: FLOAT16_MAX, nonFinite: 0, overflow: 0 });
    expect(float16Overflow(Float32Array.from([1, 70000, -1e6, Infinity, NaN]))).toEqual({ maxAbs: 1e6, nonFinite: 2, overflow: 2 });
  });

  it('says a divergence\'s cause in one line', () => {
    const scale = { rms: 12.5, maxAbs: 300, count: 10 };
    const text = divergenceText({
      iteration: 7, lr: 0.002, nonFiniteLosses: { roiCls: 'NaN' }, losses: { rpnCls: 0.6, rpnBox: 0.1, roiCls: NaN, roiBox: 0.2 },
      nonFiniteWeights: [], features: { res5HeadInput: scale, res5Pooled: scale },
    });
    expect(text).toBe('iteration 7 (LR 0.00200): roiCls NaN not finite; res5 head input RMS 12.500, max 300.000, pooled res5 RMS 12.500, max 300.000');
    expect(divergenceText(undefined)).toBe('cause not measured');
  });
});
