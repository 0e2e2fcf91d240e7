import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Random } from '@mgta/core';
import { allocateArena, arenaViews, MAX_ARENA_BYTES, planArena } from './arena.ts';
import { parseCosts } from './cost-lists.ts';
import { solveDual } from './dual-cd.ts';
import { computeGram, finishGram, gramBlockSimd } from './gram.ts';
import { GramDualModel } from './gram-model.ts';
import { LinearDualModel } from './linear-model.ts';
import { SimdGramModel, SimdLinearModel } from './simd-models.ts';
import { simdKernels, simdModule, sharedMemory } from './simd.ts';
import { foldSplit, stratifiedFoldAssignment } from './stratified-folds.ts';
import { syntheticVocFeatures } from './synthetic.ts';
import { SubspaceWarmStart } from './warm-start.ts';
import { GOYAL2019_PROTOCOL, runVocSvm, type SvmRunOptions } from './voc-svm.ts';

/**
 * The fast path (wasm SIMD kernels on a shared arena, fold Gram rows, subspace warm starts,
 * pipelined refits) against the solver as it was before it: fixtures/fast-path-reference.json
 * holds the chosen costs, CV APs of every cost and test APs that commit dd410ef computed on
 * this synthetic 6-class case (goyal2019 costs, whose best costs here are 0.0625, 0.1, 1 and 10).
 */
interface ReferenceClass {
  name: string;
  cost: number;
  cvAp: number;
  cvApByCost: number[];
  testAp: number;
  testAp07: number;
}
const reference = JSON.parse(readFileSync(new URL('./fixtures/fast-path-reference.json', import.meta.url), 'utf8')) as {
  setup: { seed: number; trainRows: number; testRows: number; dim: number; classes: number; signal: number };
  gram: ReferenceClass[];
  linear: ReferenceClass[];
};

describe('wasm SIMD kernels', () => {
  it('compile here (Node ≥ 16 has wasm SIMD)', () => {
    expect(simdModule()).not.toBeNull();
  });

  it('axpy rounds as the scalar loop; dot and dot4x2 agree with it to 1e-14, at every length', () => {
    const memory = sharedMemory(4)!;
    const kernels = simdKernels(memory);
    const heap = new Float64Array(memory.buffer);
    const random = new Random(1);
    for (let i = 0; i < heap.length; i++) heap[i] = random.normal();
    for (const n of [0, 1, 2, 3, 7, 8, 9, 16, 17, 31, 64, 65, 301]) {
      const [a, b, out] = [100, 2000, 30000];
      const expected = Float64Array.from({ length: n }, (_, k) => heap[a + k] + 0.37 * heap[b + k]);
      const after = heap[a + n];
      kernels.axpy(8 * a, 8 * b, n, 0.37);
      expect(Array.from(heap.subarray(a, a + n))).toEqual(Array.from(expected));
      expect(heap[a + n]).toBe(after);
      let dot = 0;
      for (let k = 0; k < n; k++) dot += heap[a + k] * heap[b + k];
      expect(kernels.dot(8 * a, 8 * b, n)).toBeCloseTo(dot, 12);
      if (n % 2 === 0) {
        const stride = 512;
        kernels.dot4x2(8 * 5000, 8 * 12000, 8 * stride, n, 8 * out);
        for (let r = 0; r < 4; r++) {
          for (let c = 0; c < 2; c++) {
            let sum = 0;
            for (let k = 0; k < n; k++) sum += heap[5000 + r * stride + k] * heap[12000 + c * stride + k];
            expect(heap[out + 2 * r + c]).toBeCloseTo(sum, 12);
          }
        }
      }
    }
  });

  it('the SIMD Gram blocks give the Gram matrix (odd n and d, partial blocks)', () => {
    const [n, d] = [37, 1031];
    const layout = planArena(n, d, 0, true, 1, n)!;
    const views = arenaViews(allocateArena(layout)!, 0);
    const random = new Random(2);
    for (let i = 0; i < n * d; i++) views.x[i] = random.next();
    for (let start = 0; start < n; start += 8) gramBlockSimd(views, start, Math.min(n, start + 8));
    finishGram(views.gram!, n);
    const expected = computeGram(Float64Array.from(views.x), n, d);
    for (let i = 0; i < n * n; i++) expect(views.gram![i]).toBeCloseTo(expected[i], 11);
  });

  it('plans within 4 GiB: drops the fold areas first, then refuses', () => {
    expect(planArena(5011, 9216, 4952, true, 2, 3341)!.foldRows).toBe(3341);
    expect(planArena(5011, 9216, 4952, true, 64, 3341)!.foldRows).toBe(0);
    expect(planArena(20000, 20000, 5000, true, 2, 13334)).toBeNull();
    expect(planArena(5011, 9216, 4952, true, 2, 3341)!.bytes).toBeLessThanOrEqual(MAX_ARENA_BYTES);
  });
});

const costsOf = (y: Float64Array, c: number) => Float64Array.from(y, (v) => c * (v > 0 ? 2 : 1));

describe('SIMD dual models', () => {
  function problem() {
    const { train } = syntheticVocFeatures({ seed: 3, trainRows: 120, testRows: 1, dim: 40, classes: 2, signal: 1 });
    const [n, d] = [120, 40];
    const layout = planArena(n, d, 1, true, 1, n)!;
    const views = arenaViews(allocateArena(layout)!, 0);
    for (let i = 0; i < n; i++) {
      let norm = 0;
      for (let k = 0; k < d; k++) norm += train.data[i * d + k] ** 2;
      for (let k = 0; k < d; k++) views.x[i * d + k] = train.data[i * d + k] / (Math.sqrt(norm) + 1e-5);
    }
    for (let start = 0; start < n; start += 32) gramBlockSimd(views, start, Math.min(n, start + 32));
    finishGram(views.gram!, n);
    const labels = Float64Array.from(train.labels[0], (v) => (v === 1 ? 1 : -1));
    const { train: rows, validation } = foldSplit(stratifiedFoldAssignment(labels, 3), 0);
    const y = Float64Array.from(rows, (r) => labels[r]);
    return { n, d, views, rows, validation, y, labels };
  }
  it('follow the JavaScript models\' iterates (compact fold rows, direct rows, explicit w)', () => {
    const { n, d, views, rows, validation, y } = problem();
    const path = [0.01, 0.1, 1, 10];
    const run = (model: GramDualModel | LinearDualModel | SimdGramModel | SimdLinearModel) => {
      const alpha = new Float64Array(rows.length);
      const random = new Random(9);
      const iterations = path.map((c) => solveDual(model, y, costsOf(y, c), alpha, { tol: 1e-4, maxIter: 2000, random }).iterations);
      return { alpha, iterations };
    };
    const js = run(new GramDualModel(Float64Array.from(views.gram!), n, rows));
    const compact = new SimdGramModel(views, rows, validation);
    for (const other of [run(compact), run(new SimdGramModel(views, rows, new Int32Array(0))), run(new LinearDualModel(Float64Array.from(views.x), d, rows)), run(new SimdLinearModel(views, rows, validation))]) {
      expect(other.iterations).toEqual(js.iterations);
      for (let i = 0; i < rows.length; i++) expect(other.alpha[i]).toBeCloseTo(js.alpha[i], 9);
    }
    // validation decision values from α equal the ones the JS model kept up to date
    const jsModel = new GramDualModel(Float64Array.from(views.gram!), n, rows);
    const simdModel = new SimdGramModel(views, rows, validation);
    const alpha = new Float64Array(rows.length);
    const alpha2 = new Float64Array(rows.length);
    solveDual(jsModel, y, costsOf(y, 1), alpha, { tol: 1e-4, maxIter: 2000, random: new Random(4) });
    solveDual(simdModel, y, costsOf(y, 1), alpha2, { tol: 1e-4, maxIter: 2000, random: new Random(4) });
    const scores = simdModel.validationScores(alpha2, y);
    validation.forEach((row, v) => expect(scores[v]).toBeCloseTo(jsModel.f[row], 10));
  });
});

describe('subspace warm start', () => {
  it('starts at a lower dual objective than the rescaled previous α, with f consistent with the new α', () => {
    const { train } = syntheticVocFeatures({ seed: 5, trainRows: 90, testRows: 1, dim: 30, classes: 1, signal: 1 });
    const [n, d] = [90, 30];
    const views = arenaViews(allocateArena(planArena(n, d, 1, true, 1, n)!)!, 0);
    views.x.set(Float64Array.from(train.data, (v) => v / 4));
    for (let start = 0; start < n; start += 32) gramBlockSimd(views, start, Math.min(n, start + 32));
    finishGram(views.gram!, n);
    const y = Float64Array.from(train.labels[0], (v) => (v === 1 ? 1 : -1));
    const rows = Int32Array.from({ length: n }, (_, i) => i);
    const objective = (model: SimdGramModel, alpha: Float64Array, costs: Float64Array) =>
      alpha.reduce((sum, a, i) => sum + 0.5 * a * y[i] * model.margin(i) + (a * a) / (4 * costs[i]) - a, 0);
    const starts = [1, 3].map((depth) => {
      const model = new SimdGramModel(views, rows, new Int32Array(0));
      const warm = new SubspaceWarmStart(depth);
      const alpha = new Float64Array(n);
      for (const c of [1e-4, 1e-3, 1e-2]) {
        warm.start(model, alpha, y, costsOf(y, c));
        solveDual(model, y, costsOf(y, c), alpha, { tol: 1e-6, maxIter: 1000, random: new Random(1) });
        warm.record(model, alpha);
      }
      warm.start(model, alpha, y, costsOf(y, 0.1));
      // f must be K̃(α∘y) for the α it was given
      const f = new Float64Array(n);
      for (let i = 0; i < n; i++) for (let m = 0; m < n; m++) f[m] += alpha[i] * y[i] * views.gram![i * n + m];
      for (let m = 0; m < n; m++) expect(model.margin(m)).toBeCloseTo(f[m], 9);
      return { used: warm.used.at(-1), value: objective(model, alpha, costsOf(y, 0.1)) };
    });
    expect(starts[0].used).toBe(1);
    expect(starts[1].used).toBeGreaterThan(1);
    expect(starts[1].value).toBeLessThanOrEqual(starts[0].value);
  });
});

describe('runVocSvm fast path against the solver before it (fixture)', () => {
  const { setup } = reference;
  const data = syntheticVocFeatures(setup);
  const classes = data.classNames.map((name, c) => ({ name, trainLabels: data.train.labels[c], testLabels: data.test.labels[c] }));
  const protocol = { ...GOYAL2019_PROTOCOL, costs: parseCosts('goyal2019') };
  const run = (options: SvmRunOptions) =>
    runVocSvm({ rows: setup.trainRows, cols: setup.dim, data: data.train.data }, { rows: setup.testRows, cols: setup.dim, data: data.test.data }, classes, protocol, options);

  const cases: Array<[string, SvmRunOptions, boolean]> = [
    ['inline, auto engine (Gram), subspace warm starts', { threads: 0 }, true],
    ['inline, rescaled warm starts', { threads: 0, warmStart: 'rescaled' }, true],
    ['2 workers, Gram engine', { threads: 2, engine: 'gram' }, true],
    ['inline, explicit-w engine', { threads: 0, engine: 'linear' }, true],
    ['inline, previous α as warm start', { threads: 0, warmStart: 'previous' }, true],
    ['the JavaScript path', { threads: 0, simd: false, engine: 'gram' }, false],
  ];
  for (const [label, options, simd] of cases) {
    it(`${label}: same chosen costs, CV and test APs within 1e-3`, async () => {
      const result = await run(options);
      expect(result.simd).toBe(simd);
      for (const [c, got] of result.classes.entries()) {
        const want = reference.gram[c];
        expect(got.name).toBe(want.name);
        expect(got.cost).toBe(want.cost);
        expect(got.unconverged).toBe(0);
        for (const [k, ap] of got.cvApByCost.entries()) expect(Math.abs(ap - want.cvApByCost[k])).toBeLessThan(1e-3);
        expect(Math.abs(got.testAp! - want.testAp)).toBeLessThan(1e-3);
        expect(Math.abs(got.testAp07! - want.testAp07)).toBeLessThan(1e-3);
      }
    });
  }

  it('the fixture\'s two engines agree, and its best costs are not near-ties', () => {
    for (const [c, g] of reference.gram.entries()) {
      expect(reference.linear[c].cost).toBe(g.cost);
      const runnerUp = Math.max(...g.cvApByCost.filter((ap) => ap < g.cvAp));
      expect(g.cvAp - runnerUp).toBeGreaterThan(1e-3);
    }
    expect(new Set(reference.gram.map((c) => c.cost)).size).toBeGreaterThan(2);
  });
});
