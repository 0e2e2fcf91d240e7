import { describe, expect, it } from 'vitest';
import { checkInvariants, formatInvariants, parseRegressInvariants } from './invariants.ts';

const spec = parseRegressInvariants(
  {
    comment: 'ci',
    failOnDivergence: true,
    invariants: [{ metric: 'voc07-cls/supervised/mAP', above: 'voc07-cls/random/mAP', margin: 10, why: 'a trainer that learns' }],
  },
  'ci.json',
);

describe('signal invariants', () => {
  it('hold when supervised is 10 points above random and nothing diverged', () => {
    const results = checkInvariants(spec, { 'voc07-cls/supervised/mAP': 40, 'voc07-cls/random/mAP': 28.5 });
    expect(results.map((r) => r.passed)).toEqual([true, true]);
    expect(results[0].detail).toBe('40.00 − 28.50 = 11.50 points');
  });

  it('fail for a trainer at chance, a missing model and a diverged detector', () => {
    const atChance = checkInvariants(spec, { 'voc07-cls/supervised/mAP': 29, 'voc07-cls/random/mAP': 28.5, 'voc-det/iae/divergedAt@07': 9 });
    expect(atChance.map((r) => r.passed)).toEqual([false, false]);
    expect(atChance[1].detail).toBe('voc-det/iae (07) diverged at iteration 9');
    const missing = checkInvariants(spec, { 'voc07-cls/random/mAP': 28.5 });
    expect(missing[0]).toMatchObject({ passed: false, detail: 'no number for voc07-cls/supervised/mAP in this run' });
    expect(formatInvariants(atChance)).toMatch(/FAILED  voc07-cls\/supervised\/mAP ≥ voc07-cls\/random\/mAP \+ 10 \(a trainer that learns\): 29\.00 − 28\.50 = 0\.50 points/);
  });

  it('refuse malformed sections, naming the field', () => {
    expect(() => parseRegressInvariants({ invariant: [] }, 'ci.json')).toThrow('ci.json: regress.invariant: unknown key');
    expect(() => parseRegressInvariants({ invariants: [{ metric: 'supervised', margin: 10 }] }, 'ci.json')).toThrow(
      'ci.json: regress.invariants[0].metric: must be "<bench>/<model>/<metric>", got "supervised"',
    );
    expect(() => parseRegressInvariants({ invariants: [{ metric: 'a/b/c', margin: '10' }] }, 'ci.json')).toThrow('regress.invariants[0].margin: must be a number of points');
    expect(parseRegressInvariants(undefined, 'ci.json')).toEqual({ invariants: [], failOnDivergence: false });
  });
});
