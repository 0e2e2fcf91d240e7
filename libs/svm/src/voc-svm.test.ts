import { describe, expect, it } from 'vitest';
import { Random } from '@mgta/core';
import { GOYAL2019_PROTOCOL, NoPositivesError, runVocSvm, type SvmClass } from './voc-svm.ts';

/** 3 classes, each with a direction of signal in non-negative features; a few difficult (0) labels. */
function synthetic(seed: number, n: number, d: number) {
  const random = new Random(seed);
  const data = new Float32Array(n * d);
  const labels: number[][] = [[], [], []];
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < d; k++) data[i * d + k] = Math.max(0, random.normal());
    for (let c = 0; c < 3; c++) {
      const present = random.next() < [0.3, 0.2, 0.1][c];
      if (present) for (let k = 0; k < 4; k++) data[i * d + 4 * c + k] += 1.5;
      labels[c].push(present ? (random.next() < 0.1 ? 0 : 1) : -1);
    }
  }
  return { data, labels };
}

describe('runVocSvm on a tiny synthetic 3-class problem', () => {
  const d = 20;
  const train = synthetic(1, 150, d);
  const test = synthetic(2, 120, d);
  const classes: SvmClass[] = ['a', 'b', 'c'].map((name, c) => ({ name, trainLabels: train.labels[c], testLabels: test.labels[c] }));
  const protocol = { ...GOYAL2019_PROTOCOL, costs: [0.01, 0.1, 1, 10] };

  it('chooses costs by CV, learns the signal, and the engines agree', async () => {
    const gram = await runVocSvm({ rows: 150, cols: d, data: train.data }, { rows: 120, cols: d, data: test.data }, classes, protocol, { threads: 0, engine: 'gram' });
    const linear = await runVocSvm({ rows: 150, cols: d, data: train.data }, { rows: 120, cols: d, data: test.data }, classes, protocol, { threads: 0, engine: 'linear' });
    expect(gram.classes.map((c) => c.name)).toEqual(['a', 'b', 'c']);
    for (let c = 0; c < 3; c++) {
      const g = gram.classes[c];
      const l = linear.classes[c];
      expect(protocol.costs).toContain(g.cost);
      expect(g.cvAp).toBe(Math.max(...g.cvApByCost));
      expect(g.cvApByCost.indexOf(g.cvAp)).toBe(protocol.costs.indexOf(g.cost)); // first best
      expect(g.testAp).toBeGreaterThan(0.8);
      expect(g.testAp07).toBeGreaterThan(0.75);
      expect(l.cost).toBe(g.cost);
      expect(l.testAp).toBeCloseTo(g.testAp!, 3);
      for (let k = 0; k < 4; k++) expect(l.cvApByCost[k]).toBeCloseTo(g.cvApByCost[k], 3);
      expect(g.testPositives).toBe(test.labels[c].filter((v) => v === 1).length);
      expect(g.trainPositives).toBe(train.labels[c].filter((v) => v === 1).length);
    }
    expect(gram.meanTestAp).toBeCloseTo(gram.classes.reduce((s, c) => s + c.testAp!, 0) / 3, 12);
  });

  it('gives the same numbers with worker threads', async () => {
    const inline = await runVocSvm({ rows: 150, cols: d, data: train.data }, { rows: 120, cols: d, data: test.data }, classes, protocol, { threads: 0 });
    const pooled = await runVocSvm({ rows: 150, cols: d, data: train.data }, { rows: 120, cols: d, data: test.data }, classes, protocol, { threads: 2 });
    expect(pooled.classes.map((c) => [c.cost, c.testAp])).toEqual(inline.classes.map((c) => [c.cost, c.testAp]));
  });

  it('takes the first listed cost on ties (user order, not ascending)', async () => {
    // With tiny costs the decision values are ~proportional to C, so the rankings, and thus
    // the CV APs, of 1e-9 and 1e-8 are nearly equal; listing the larger first must keep it on exact ties.
    const result = await runVocSvm({ rows: 150, cols: d, data: train.data }, { rows: 120, cols: d, data: test.data }, classes.slice(0, 1), { ...protocol, costs: [1e-8, 1e-9] }, { threads: 0 });
    const [c] = result.classes;
    expect(c.cost).toBe(c.cvApByCost[1] > c.cvApByCost[0] ? 1e-9 : 1e-8);
  });

  it('refuses a class without positive training images and non-finite features', async () => {
    const none: SvmClass = { name: 'empty', trainLabels: train.labels[0].map(() => -1), testLabels: test.labels[0] };
    await expect(runVocSvm({ rows: 150, cols: d, data: train.data }, { rows: 120, cols: d, data: test.data }, [none], protocol, { threads: 0 })).rejects.toThrow(NoPositivesError);
    const bad = Float32Array.from(train.data);
    bad[d * 3 + 2] = NaN;
    await expect(runVocSvm({ rows: 150, cols: d, data: bad }, { rows: 120, cols: d, data: test.data }, classes, protocol, { threads: 0 })).rejects.toThrow(/row 3, column 2/);
  });
});
