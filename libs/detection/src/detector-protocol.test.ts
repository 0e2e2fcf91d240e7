import { describe, expect, it } from 'vitest';
import { learningRate, parseDetectionPreset, warmupIterationsOf } from './detector-protocol.ts';

const schedules = { '07': { iterations: 50000, steps: [38000] }, '07+12': { iterations: 100000, steps: [65000] } };
const parse = (section: Record<string, unknown>) => parseDetectionPreset({ schedules, ...section }, 'test.json', 21);

describe('warm-up in proportion to the schedule', () => {
  it('warmupFraction gives round(fraction x iterations) per column: Detectron\'s 500 of 50000 is 0.01', () => {
    const protocol = parse({ warmupFraction: 0.01 });
    expect(protocol.warmupFraction).toBe(0.01);
    expect(protocol.warmupIterations).toBeUndefined();
    expect(warmupIterationsOf(protocol, protocol.schedules['07'])).toBe(500);
    expect(warmupIterationsOf(protocol, protocol.schedules['07+12'])).toBe(1000);
    expect(warmupIterationsOf(protocol, { iterations: 300, steps: [] })).toBe(3);
    expect(warmupIterationsOf(protocol, { iterations: 20, steps: [] })).toBe(0);
    // The linear warm-up runs over those iterations: factor 1/3 at 0, the full LR from 500 on.
    const schedule = protocol.schedules['07'];
    expect(learningRate(protocol, schedule, 0)).toBeCloseTo(0.002 / 3, 12);
    expect(learningRate(protocol, schedule, 250)).toBeCloseTo(0.002 * (1 / 3 * 0.5 + 0.5), 12);
    expect(learningRate(protocol, schedule, 500)).toBe(0.002);
    expect(learningRate(protocol, protocol.schedules['07+12'], 500)).toBeLessThan(0.002);
  });

  it('warmupIterations stays absolute; giving both, or a fraction above 1, is refused', () => {
    const protocol = parse({ warmupIterations: 5 });
    expect(protocol.warmupFraction).toBeUndefined();
    expect(warmupIterationsOf(protocol, protocol.schedules['07'])).toBe(5);
    expect(warmupIterationsOf(protocol, protocol.schedules['07+12'])).toBe(5);
    expect(() => parse({ warmupIterations: 5, warmupFraction: 0.01 })).toThrow('test.json: detection.warmupFraction: give warmupIterations or warmupFraction, not both');
    expect(() => parse({ warmupFraction: 2 })).toThrow('must be a fraction of the schedule in [0, 1], got 2');
    expect(() => parse({ warmupFraction: -0.1 })).toThrow('detection.warmupFraction: must be a number >= 0');
  });
});

describe('LR scaled to the images per iteration', () => {
  it('lrReference { baseLr 0.02, imagesPerIteration 16 } gives 0.02 x 2 / 16 = 0.0025 at 2 images per iteration, and is recorded', () => {
    const protocol = parse({ imagesPerIteration: 2, lrReference: { baseLr: 0.02, imagesPerIteration: 16 } });
    expect(protocol.baseLr).toBeCloseTo(0.0025, 15);
    expect(protocol.lrReference).toEqual({ baseLr: 0.02, imagesPerIteration: 16 });
    expect(learningRate(protocol, { iterations: 10, steps: [] }, 600)).toBeCloseTo(0.0025, 15);
    expect(parse({ imagesPerIteration: 16, lrReference: { baseLr: 0.02, imagesPerIteration: 16 } }).baseLr).toBe(0.02);
  });

  it('baseLr and lrReference together, or a malformed reference, are refused', () => {
    expect(() => parse({ baseLr: 0.01, lrReference: { baseLr: 0.02, imagesPerIteration: 16 } })).toThrow('give baseLr or lrReference, not both');
    expect(() => parse({ lrReference: { baseLr: 0.02 } })).toThrow('detection.lrReference: must be { "baseLr": > 0, "imagesPerIteration": >= 1 }');
    expect(() => parse({ lrReference: 0.02 })).toThrow('detection.lrReference');
  });
});

describe('the new settings leave a preset without them as it was', () => {
  it('no lrReference, warmupFraction or biasRule keys appear, baseLr and warmupIterations are as given, the bias rule is off', () => {
    const protocol = parse({ baseLr: 0.002, imagesPerIteration: 2, warmupIterations: 5 });
    expect(Object.keys(protocol)).not.toContain('lrReference');
    expect(Object.keys(protocol)).not.toContain('warmupFraction');
    expect(Object.keys(protocol)).not.toContain('biasRule');
    expect(protocol.baseLr).toBe(0.002);
    expect(protocol.warmupIterations).toBe(5);
    // biasRule false is the default spelled out: it changes nothing either.
    expect(parse({ biasRule: false })).toEqual(parse({}));
    expect(parse({ biasRule: true }).biasRule).toBe(true);
    expect(() => parse({ biasRule: 'yes' })).toThrow('detection.biasRule: must be true or false');
  });
});
