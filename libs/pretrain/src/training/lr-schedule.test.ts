import { describe, expect, it } from 'vitest';
import { learningRateAt, warmupStepsOf } from './lr-schedule.ts';

describe('learning-rate schedule', () => {
  it('no schedule: the peak rate itself at every step (today\'s constant rate)', () => {
    for (const step of [0, 5, 99, 1000]) expect(learningRateAt(step, 100, 0.001, undefined)).toBe(0.001);
  });

  it('cosine with 10 warm-up steps of 110: linear from ~0 to the peak, then half a cosine to ~0', () => {
    const schedule = { shape: 'cosine' as const, warmupSteps: 10 };
    const lr = (step: number) => learningRateAt(step, 110, 0.1, schedule);
    expect(lr(0)).toBeCloseTo(0.1 / 11, 12); // (s + 1) / (W + 1)
    expect(lr(4)).toBeCloseTo(0.1 * 5 / 11, 12);
    expect(lr(9)).toBeCloseTo(0.1 * 10 / 11, 12);
    expect(lr(10)).toBeCloseTo(0.1, 12); // cos(0)
    expect(lr(35)).toBeCloseTo(0.1 * 0.5 * (1 + Math.cos(Math.PI / 4)), 12); // a quarter of the way: 0.0853553
    expect(lr(35)).toBeCloseTo(0.0853553390593, 10);
    expect(lr(60)).toBeCloseTo(0.05, 12); // half way
    expect(lr(109)).toBeCloseTo(0.1 * 0.5 * (1 + Math.cos(Math.PI * 99 / 100)), 12); // last step: ~2.5e-5
    expect(lr(109)).toBeGreaterThan(0);
    // Past the planned total (a plan that under-counted): the last planned step's rate.
    expect(lr(150)).toBe(lr(109));
    // Increasing during the warm-up, decreasing after it.
    for (let s = 1; s < 110; s++) {
      if (s <= 10) expect(lr(s)).toBeGreaterThan(lr(s - 1));
      else expect(lr(s)).toBeLessThan(lr(s - 1));
    }
  });

  it('warm-up as a fraction of the total; constant after it', () => {
    const schedule = { shape: 'constant' as const, warmupFraction: 0.1 };
    expect(warmupStepsOf(schedule, 200)).toBe(20);
    expect(learningRateAt(0, 200, 0.2, schedule)).toBeCloseTo(0.2 / 21, 12);
    expect(learningRateAt(20, 200, 0.2, schedule)).toBe(0.2);
    expect(learningRateAt(199, 200, 0.2, schedule)).toBe(0.2);
    expect(learningRateAt(5, 200, 0.2, { shape: 'cosine' })).toBeCloseTo(0.2 * 0.5 * (1 + Math.cos(Math.PI * 5 / 200)), 12);
    // A warm-up longer than the run is cut to the run.
    expect(warmupStepsOf({ shape: 'cosine', warmupSteps: 50 }, 10)).toBe(10);
  });
});
