import { describe, expect, it } from 'vitest';
import { Random } from '@mgta/core';
import { solveDual } from './dual-cd.ts';
import { trainLibsvmLinear } from './libsvm-solver.ts';
import { LinearDualModel, decisionValues } from './linear-model.ts';

describe('libsvm (hinge loss) vs liblinear-style dual CD (squared hinge)', () => {
  it('agree on a separable problem: same signs, both separate with a margin', async () => {
    const random = new Random(21);
    const n = 80, d = 3;
    const x = new Float64Array(n * d);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      y[i] = i % 3 === 0 ? 1 : -1;
      x[i * d] = y[i] * (1 + random.next()); // separable along the first axis with gap ≥ 2
      x[i * d + 1] = random.normal() * 0.3;
      x[i * d + 2] = random.normal() * 0.3;
    }
    const cost = 10;
    const model = new LinearDualModel(x, d, Int32Array.from({ length: n }, (_, i) => i));
    solveDual(model, y, Float64Array.from(y, (v) => cost * (v > 0 ? 2 : 1)), new Float64Array(n), { tol: 1e-6, maxIter: 10_000, random: new Random(1) });
    const rows = Array.from({ length: n }, (_, i) => Array.from(x.subarray(i * d, i * d + d)));
    const wLibsvm = await trainLibsvmLinear(rows, Array.from(y), { cost, weights: { positive: 2, negative: 1 } });
    const ours = decisionValues(model.w, x, n, d);
    const theirs = decisionValues(wLibsvm, x, n, d);
    for (let i = 0; i < n; i++) {
      expect(Math.sign(ours[i])).toBe(y[i]);
      expect(Math.sign(theirs[i])).toBe(y[i]);
    }
    // Hard-margin limit: both margins are about 1 / ‖w‖ with w along the first axis.
    const margin = (w: Float64Array) => Math.min(...Array.from({ length: n }, (_, i) => y[i] * decisionValues(w, x, n, d)[i])) / Math.hypot(w[0], w[1], w[2]);
    expect(margin(model.w)).toBeGreaterThan(0.5);
    expect(margin(wLibsvm)).toBeGreaterThan(0.5);
    expect(Math.abs(margin(model.w) - margin(wLibsvm)) / margin(wLibsvm)).toBeLessThan(0.2);
    expect(Math.abs(wLibsvm[1]) + Math.abs(wLibsvm[2])).toBeLessThan(0.2 * Math.abs(wLibsvm[0]));
  });
});
