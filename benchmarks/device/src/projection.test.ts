import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatDuration, paperWorkload, projectPaper, VOC } from './projection.ts';

const paper = JSON.parse(readFileSync(new URL('../../presets/paper.json', import.meta.url), 'utf8'));

describe('paperWorkload', () => {
  const work = paperWorkload(paper);

  it('counts the paper preset at about 25 million image-steps, not 12', () => {
    expect(work.iaeImageSteps).toBe(6_000_000);
    expect(work.mgta.map((m) => m.imageSteps)).toEqual([6_600_000, 6_600_000]);
    expect(work.supervisedImageSteps).toBe(6_000_000);
    expect(projectPaper(work, {}).imageSteps).toBe(25_200_000);
  });

  it('clusters 2T halves and the whole set once per MGTA run', () => {
    expect(work.mgta[0].featureImages).toBe(11 * 60_000);
    expect(work.mgta[1].clusterings).toEqual([{ rows: 30_000, k: 300, count: 10 }, { rows: 30_000, k: 300, count: 10 }, { rows: 60_000, k: 300, count: 1 }]);
  });

  it('runs five models on both VOC columns, flipped training images included', () => {
    expect(work.detection.models).toBe(5);
    expect(work.detection.columns).toEqual([
      { name: '07', iterations: 50_000, bodyMaps: 2 * VOC.trainval07, testImages: VOC.test07 },
      { name: '07+12', iterations: 100_000, bodyMaps: 2 * (VOC.trainval07 + VOC.trainval12), testImages: VOC.test07 },
    ]);
  });
});

describe('projectPaper', () => {
  const work = paperWorkload(paper);
  const m = (ms: number) => ({ ms, source: 'test' });

  it('multiplies counts by the measured time and leaves unmeasured totals open', () => {
    const p = projectPaper(work, { aeStep: m(10) });
    expect(p.rows.find((r) => r.what === 'IAE')!.seconds).toBe(60_000);
    // the supervised step falls back to the AE step, marked as an upper bound
    expect(p.rows.find((r) => r.what === 'supervised')!.source).toMatch(/upper bound/);
    expect(p.pretrainingSeconds).toBeNull();
    expect(p.detectionSeconds).toBeNull();
  });

  it('scales k-means by rows·k from the measured size', () => {
    const kmeans = { seedingMs: 0, iterationMs: 1000, rows: 60_000, k: 300, source: 'test' };
    const p = projectPaper(work, { kmeans });
    const k300 = p.rows.find((r) => r.what.startsWith('MGTA k=300: k-means'))!;
    const k100 = p.rows.find((r) => r.what.startsWith('MGTA k=100: k-means'))!;
    // 20 half-size + 1 full-size clustering = 11 full-size ones, × 3 restarts × 100 iterations of 1 s
    expect(k300.seconds).toBeCloseTo(11 * 3 * 100, 6);
    expect(k100.seconds).toBeCloseTo((11 * 3 * 100) / 3, 6);
  });

  it('totals every row once all are measured', () => {
    const all = { aeStep: m(1), supervisedStep: m(1), features: m(1), kmeans: { seedingMs: 1, iterationMs: 1, rows: 1, k: 1, source: 't' }, detHeadIteration: m(1), bodyMap: m(1), detector: m(1) };
    const p = projectPaper(work, all);
    const sum = (part: string) => p.rows.filter((r) => r.part === part).reduce((s, r) => s + r.seconds!, 0);
    expect(p.pretrainingSeconds).toBeCloseTo(sum('pretraining'), 6);
    expect(p.detectionSeconds).toBeCloseTo(sum('detection'), 6);
  });
});

describe('formatDuration', () => {
  it('picks a readable unit', () => {
    expect(formatDuration(null)).toBe('n/a');
    expect(formatDuration(90)).toBe('90 s');
    expect(formatDuration(3600)).toBe('60 min');
    expect(formatDuration(36_000)).toBe('10.0 h');
    expect(formatDuration(10 * 86400)).toBe('10.0 days');
    expect(formatDuration(3 * 365.25 * 86400)).toBe('3.0 years');
  });
});
