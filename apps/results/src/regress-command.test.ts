import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { clsRecord, detDiverged, detOk, detRecord } from '@mgta/report/test-fixtures';
import { runRegress, type BenchRunner } from './regress-command.ts';
import { writeFixtureResults } from './fixture-results.ts';

const runnerOf = (cls = clsRecord({ iae: [0.3, 0.1], 'mgta-k4': [0.5, 0.3] }), det = detRecord({ iae: { '07': detOk(0.2, 0.1) }, random: { '07': detDiverged(50) } })): BenchRunner =>
  async () => ({ cls, det });

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'mgta-regress-'));
  return { baseline: join(dir, 'baseline', 'ci.json'), preset: 'ci', results: join(dir, 'results') };
}

describe('mgta regress', () => {
  it('--update writes the baseline; the same run then passes', async () => {
    const options = setup();
    const out: string[] = [];
    await runRegress({ ...options, update: true }, runnerOf(), (t) => out.push(t));
    const baseline = JSON.parse(readFileSync(options.baseline, 'utf8'));
    expect(baseline).toMatchObject({ schemaVersion: 1, preset: 'ci', tolerancePoints: 0.5 });
    expect(baseline.metrics['voc07-cls/mgta-k4/mAP']).toBeCloseTo(40, 10);
    expect(baseline.metrics['voc-det/random/divergedAt@07']).toBe(50);
    expect(out.join('')).toMatch(/wrote .*ci\.json: 10 metrics, tolerance ±0\.5 points/);

    const comparison = await runRegress(options, runnerOf(), () => {});
    expect(comparison?.passed).toBe(true);
  });

  it('fails on a perturbed result and prints the diff table', async () => {
    const options = setup();
    await runRegress({ ...options, update: true }, runnerOf(), () => {});
    const out: string[] = [];
    const perturbed = runnerOf(undefined, detRecord({ iae: { '07': detOk(0.2, 0.08) }, random: { '07': detDiverged(50) } }));
    await expect(runRegress(options, perturbed, (t) => out.push(t))).rejects.toThrow(/2 metrics outside ±0\.5 points/);
    const table = out.join('');
    expect(table).toMatch(/^bench\s+model\s+metric\s+baseline\s+now\s+delta\s+status/);
    expect(table).toMatch(/voc-det\s+iae\s+mAP07@07\s+15\.00\s+14\.00\s+-1\.00\s+REGRESSED/);
    expect(table).toMatch(/voc-det\s+iae\s+AP07@07:bag\s+10\.00\s+8\.00\s+-2\.00\s+REGRESSED/);
    // A wider tolerance on the command line lets the same run pass.
    expect((await runRegress({ ...options, tolerance: '2.5' }, perturbed, () => {}))?.passed).toBe(true);
  });

  it('fails on a missing model and on a missing baseline', async () => {
    const options = setup();
    await expect(runRegress(options, runnerOf(), () => {})).rejects.toThrow(/ci\.json: does not exist; create it from a trusted run with `mgta regress --update`/);
    await runRegress({ ...options, update: true }, runnerOf(), () => {});
    const out: string[] = [];
    await expect(runRegress(options, runnerOf(clsRecord({ iae: [0.3, 0.1] })), (t) => out.push(t))).rejects.toThrow(/3 metrics outside/);
    expect(out.join('')).toMatch(/voc07-cls\s+mgta-k4\s+mAP\s+40\.00\s+-\s+-\s+MISSING/);
  });

  it('checks the preset\'s signal invariants on every run, --update included', async () => {
    const options = setup();
    const invariants = { invariants: [{ metric: 'voc07-cls/mgta-k4/mAP', above: 'voc07-cls/iae/mAP', margin: 10 }], failOnDivergence: false };
    await runRegress({ ...options, update: true, invariants }, runnerOf(), () => {});
    expect((await runRegress({ ...options, invariants }, runnerOf(), () => {}))?.passed).toBe(true);
    // A broken trainer: mgta-k4 falls to iae's level. --update must not make it the reference.
    const broken = runnerOf(clsRecord({ iae: [0.3, 0.1], 'mgta-k4': [0.32, 0.1] }));
    const out: string[] = [];
    await expect(runRegress({ ...options, update: true, invariants }, broken, (t) => out.push(t))).rejects.toThrow(/1 signal invariant of preset ci failed/);
    expect(out.join('')).toMatch(/FAILED  voc07-cls\/mgta-k4\/mAP ≥ voc07-cls\/iae\/mAP \+ 10/);
    expect(JSON.parse(readFileSync(options.baseline, 'utf8')).metrics['voc07-cls/mgta-k4/mAP']).toBeCloseTo(40, 10);
    await expect(runRegress({ ...options, invariants, tolerance: '100' }, broken, () => {})).rejects.toThrow(/signal invariant/);
  });

  it('reads the written ci records by default and rejects a bad tolerance', async () => {
    const root = mkdtempSync(join(tmpdir(), 'mgta-regress-'));
    const { results } = writeFixtureResults(root);
    const { readWrittenResults } = await import('./regress-command.ts');
    const baseline = join(root, 'baseline.json');
    await runRegress({ baseline, preset: 'ci', results, update: true }, readWrittenResults(results), () => {});
    expect(existsSync(baseline)).toBe(true);
    expect((await runRegress({ baseline, preset: 'ci', results }, readWrittenResults(results), () => {}))?.passed).toBe(true);
    await expect(runRegress({ baseline, preset: 'ci', results, tolerance: 'x' }, readWrittenResults(results), () => {})).rejects.toThrow(/--tolerance: "x" is not a number/);
    writeFileSync(join(results, 'voc-det', 'ci.json'), JSON.stringify({ ...detRecord({}), schemaVersion: 7 }));
    await expect(runRegress({ baseline, preset: 'ci', results }, readWrittenResults(results), () => {})).rejects.toThrow(/voc-det\/ci\.json: schemaVersion: is 7/);
  });
});
