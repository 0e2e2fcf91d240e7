import { describe, expect, it } from 'vitest';
import { compareWithBaseline, extractMetrics, formatComparison, makeBaseline, parseBaseline } from './regress.ts';
import { clsRecord, detDiverged, detOk, detRecord } from './test-fixtures.ts';

const cls = clsRecord({ iae: [0.3, 0.1], 'mgta-k4': [0.5, 0.3] });
const det = detRecord({ iae: { '07': detOk(0.2, 0.1) }, random: { '07': detDiverged(120) } });

describe('extractMetrics', () => {
  it('keys every mAP and class AP in points, and a divergence by its iteration', () => {
    const metrics = extractMetrics({ cls, det });
    expect(metrics['voc07-cls/iae/mAP']).toBeCloseTo(20, 10);
    expect(metrics['voc07-cls/mgta-k4/AP:bag']).toBeCloseTo(30, 10);
    expect(metrics['voc-det/iae/mAP07@07']).toBeCloseTo(15, 10);
    expect(metrics['voc-det/iae/AP07@07:shirt']).toBeCloseTo(20, 10);
    expect(metrics['voc-det/random/divergedAt@07']).toBe(120);
    // 2 models x (mAP + 2 classes) + iae det (mAP + 2 classes) + random's divergence.
    expect(Object.keys(metrics)).toHaveLength(10);
  });
});

describe('compareWithBaseline', () => {
  const baseline = makeBaseline('ci', extractMetrics({ cls, det }), 0.5);

  it('passes identical results', () => {
    const comparison = compareWithBaseline(baseline, extractMetrics({ cls, det }), 0.5);
    expect(comparison.passed).toBe(true);
    expect(comparison.rows.every((row) => row.status === 'ok' && row.delta === 0)).toBe(true);
  });

  it('fails a perturbed result beyond the tolerance and names it REGRESSED', () => {
    // mgta-k4's bag AP drops 0.30 -> 0.28: -2 points on the class, -1 on the mAP.
    const perturbed = clsRecord({ iae: [0.3, 0.1], 'mgta-k4': [0.5, 0.28] });
    const comparison = compareWithBaseline(baseline, extractMetrics({ cls: perturbed, det }), 0.5);
    expect(comparison.passed).toBe(false);
    const failed = comparison.rows.filter((row) => row.status !== 'ok');
    expect(failed.map((row) => [row.key, row.status])).toEqual([
      ['voc07-cls/mgta-k4/mAP', 'REGRESSED'],
      ['voc07-cls/mgta-k4/AP:bag', 'REGRESSED'],
    ]);
    expect(failed[0].delta).toBeCloseTo(-1, 10);
    const text = formatComparison(comparison);
    expect(text).toMatch(/mgta-k4\s+mAP\s+40\.00\s+39\.00\s+-1\.00\s+REGRESSED/);
    expect(text).toMatch(/2 failed/);
  });

  it('passes a change within the tolerance and fails an improvement beyond it', () => {
    const small = compareWithBaseline(baseline, extractMetrics({ cls: clsRecord({ iae: [0.304, 0.1], 'mgta-k4': [0.5, 0.3] }), det }), 0.5);
    expect(small.passed).toBe(true);
    const large = compareWithBaseline(baseline, extractMetrics({ cls: clsRecord({ iae: [0.32, 0.1], 'mgta-k4': [0.5, 0.3] }), det }), 0.5);
    expect(large.passed).toBe(false);
    expect(large.rows.find((row) => row.key === 'voc07-cls/iae/AP:shirt')?.status).toBe('CHANGED');
  });

  it('fails a missing metric and a missing model, and lets a new one pass', () => {
    const withoutModel = compareWithBaseline(baseline, extractMetrics({ cls: clsRecord({ iae: [0.3, 0.1] }), det }), 0.5);
    expect(withoutModel.passed).toBe(false);
    expect(withoutModel.rows.filter((row) => row.status === 'MISSING')).toHaveLength(3);

    const { ['voc-det/iae/AP07@07:bag']: _dropped, ...lessOne } = extractMetrics({ cls, det });
    const missing = compareWithBaseline(baseline, lessOne, 0.5);
    expect(missing.passed).toBe(false);
    expect(missing.rows.find((row) => row.status !== 'ok')).toMatchObject({ key: 'voc-det/iae/AP07@07:bag', status: 'MISSING' });

    const extra = compareWithBaseline(baseline, { ...extractMetrics({ cls, det }), 'voc07-cls/new/mAP': 1 }, 0.5);
    expect(extra.passed).toBe(true);
    expect(extra.rows.find((row) => row.model === 'new')?.status).toBe('new');
  });

  it('compares divergence iterations exactly', () => {
    const later = detRecord({ iae: { '07': detOk(0.2, 0.1) }, random: { '07': detDiverged(121) } });
    expect(compareWithBaseline(baseline, extractMetrics({ cls, det: later }), 0.5).passed).toBe(false);
  });
});

describe('parseBaseline', () => {
  it('round-trips makeBaseline and names the file and field of a bad one', () => {
    const baseline = makeBaseline('ci', { 'voc07-cls/iae/mAP': 20 }, 0.5);
    expect(parseBaseline(JSON.parse(JSON.stringify(baseline)), 'b.json')).toEqual(baseline);
    expect(() => parseBaseline({ ...baseline, schemaVersion: 2 }, 'b.json')).toThrow('b.json: schemaVersion: is 2; expected 1');
    expect(() => parseBaseline({ ...baseline, metrics: { 'voc07-cls/iae/mAP': 'x' } }, 'b.json')).toThrow('b.json: metrics.voc07-cls/iae/mAP');
  });
});
