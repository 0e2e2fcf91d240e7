import { describe, expect, it } from 'vitest';
import { Random } from '@mgta/core';
import { dualObjective, primalObjective, solveDual } from './dual-cd.ts';
import { computeGram } from './gram.ts';
import { GramDualModel } from './gram-model.ts';
import { LinearDualModel, decisionValues } from './linear-model.ts';

function problem(n: number, d: number, seed: number) {
  const random = new Random(seed);
  const x = new Float64Array(n * d);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = random.next() < 0.3 ? 1 : -1;
    for (let k = 0; k < d; k++) x[i * d + k] = random.normal() + (k === 0 ? 0.8 * y[i] : 0);
  }
  return { x, y, rows: Int32Array.from({ length: n }, (_, i) => i) };
}

const weighted = (y: Float64Array, cost: number) => Float64Array.from(y, (v) => cost * (v > 0 ? 2 : 1));

function squaredNorm(w: Float64Array): number {
  return w.reduce((s, v) => s + v * v, 0);
}

describe('solveDual (L2-loss SVM dual coordinate descent)', () => {
  it('1-D problem with a hand-derived optimum', () => {
    // x̃ = (x, 1): points x = +1 (y = +1) and x = −1 (y = −1), C = 1 both.
    // By symmetry the bias is 0 and α1 = α2 = a; w = 2a; G = w·1 − 1 + a/2 = 0 ⇒ a = 0.4, w = 0.8.
    const x = new Float64Array([1, -1]);
    const y = new Float64Array([1, -1]);
    const model = new LinearDualModel(x, 1, Int32Array.from([0, 1]));
    const alpha = new Float64Array(2);
    const fit = solveDual(model, y, new Float64Array([1, 1]), alpha, { tol: 1e-12, maxIter: 10_000, random: new Random(1) });
    expect(fit.converged).toBe(true);
    expect(alpha[0]).toBeCloseTo(0.4, 10);
    expect(alpha[1]).toBeCloseTo(0.4, 10);
    expect(model.w[0]).toBeCloseTo(0.8, 10);
    expect(model.w[1]).toBeCloseTo(0, 10);
  });

  for (const cost of [1e-3, 0.1, 10]) {
    it(`satisfies the KKT conditions and strong duality (C = ${cost})`, () => {
      const n = 60, d = 5;
      const { x, y, rows } = problem(n, d, 7);
      const costs = weighted(y, cost);
      const model = new LinearDualModel(x, d, rows);
      const alpha = new Float64Array(n);
      const fit = solveDual(model, y, costs, alpha, { tol: 1e-10, maxIter: 100_000, random: new Random(3) });
      expect(fit.converged).toBe(true);
      const margins = decisionValues(model.w, x, n, d);
      for (let i = 0; i < n; i++) {
        const gradient = y[i] * margins[i] - 1 + alpha[i] / (2 * costs[i]);
        expect(alpha[i]).toBeGreaterThanOrEqual(0);
        if (alpha[i] > 0) expect(Math.abs(gradient)).toBeLessThan(1e-8);
        else expect(gradient).toBeGreaterThan(-1e-8);
      }
      const w2 = squaredNorm(model.w);
      const primal = primalObjective(w2, y, margins, costs);
      const dual = dualObjective(w2, alpha, costs);
      expect(Math.abs(primal - dual)).toBeLessThan(1e-8 * Math.max(1, primal));
    });
  }

  it('the Gram engine follows the same iterates as the explicit-w engine', () => {
    const n = 40, d = 6;
    const { x, y, rows } = problem(n, d, 11);
    const costs = weighted(y, 0.5);
    const linear = new LinearDualModel(x, d, rows);
    const gram = new GramDualModel(computeGram(x, n, d), n, rows);
    const a1 = new Float64Array(n);
    const a2 = new Float64Array(n);
    const r1 = solveDual(linear, y, costs, a1, { tol: 1e-4, maxIter: 2000, random: new Random(5) });
    const r2 = solveDual(gram, y, costs, a2, { tol: 1e-4, maxIter: 2000, random: new Random(5) });
    expect(r2.iterations).toBe(r1.iterations);
    for (let i = 0; i < n; i++) expect(a2[i]).toBeCloseTo(a1[i], 10);
    const margins = decisionValues(linear.w, x, n, d);
    for (let i = 0; i < n; i++) expect(gram.f[i]).toBeCloseTo(margins[i], 10);
  });

  it('a warm start along the cost path reaches the same optimum as a cold start', () => {
    const n = 50, d = 4;
    const { x, y, rows } = problem(n, d, 13);
    const warm = new LinearDualModel(x, d, rows);
    const alpha = new Float64Array(n);
    for (const cost of [0.01, 0.1, 1]) solveDual(warm, y, weighted(y, cost), alpha, { tol: 1e-10, maxIter: 100_000, random: new Random(1) });
    const cold = new LinearDualModel(x, d, rows);
    solveDual(cold, y, weighted(y, 1), new Float64Array(n), { tol: 1e-10, maxIter: 100_000, random: new Random(2) });
    for (let k = 0; k <= d; k++) expect(warm.w[k]).toBeCloseTo(cold.w[k], 7);
  });

  it('stops at maxIter and says so', () => {
    const { x, y, rows } = problem(30, 3, 17);
    const fit = solveDual(new LinearDualModel(x, 3, rows), y, weighted(y, 100), new Float64Array(30), { tol: 1e-14, maxIter: 2, random: new Random(1) });
    expect(fit).toEqual({ iterations: 2, converged: false });
  });
});
