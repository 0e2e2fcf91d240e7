import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parityRows, projection, timingRows } from './report.ts';
import { summary } from './summary.ts';
import type { CheckRecord } from './record.ts';

const paper = JSON.parse(readFileSync(new URL('../../presets/paper.json', import.meta.url), 'utf8'));

const step = (loss: number, gradNorm: number) => ({ loss, gradNorm });
const results = {
  'env.nvidiaSmi': 'NVIDIA H200, 580.159.04, 143771 MiB',
  'ort.res4-x1.cpu': { backend: 'ORT cpu, 16 threads', size: 224, batch: 8, msPerImage: 3 },
  'ort.res4-x1.accel': { backend: 'ORT webgpu, 16 threads', size: 224, batch: 8, msPerImage: 0.7 },
  'parity.ort-res4-x1': { relMax: 2e-7, tolerance: 1e-3, pass: true },
  'ort.detector.cpu': { backend: 'ORT cpu', width: 1, widthLabel: '1', scale: 600, maxSize: 1000, msPerImage: 900 },
  'ort.detector.accel': { error: 'cannot create an ONNX Runtime session on webgpu: Failed to get a WebGPU adapter' },
  'tfjs.ref.ae-step': step(1.0, 50),
  'tfjs.accel.ae-step': step(1.004, 50.2),
  'tfjs.ref.head-step': step(4, 27),
  'tfjs.accel.head-step': step(4.1, 27),
  'timing.ae-step-224': { backend: 'tfjs webgpu', width: 1, widthLabel: '1', size: 224, batch: 8, msPerImage: 500 },
  'timing.kmeans': { backend: 'CPU, 16 threads', rows: 60000, d: 2048, k: 300, seedingMs: 3000, iterationMs: 1000 },
};

describe('parityRows', () => {
  const rows = parityRows(results);
  const row = (name: string) => rows.find((r) => r.name.startsWith(name))!;

  it('passes what is within tolerance and fails what is not', () => {
    expect(row('ORT res4 x1').pass).toBe(true);
    expect(row('tfjs AE step loss').pass).toBe(true); // 4e-3 < 1e-2
    expect(row('tfjs det-head step loss').pass).toBe(false); // 2.5e-2
  });

  it('reports a side that failed as unanswered, with its error', () => {
    expect(row('ORT detector')).toMatchObject({ pass: null, detail: expect.stringMatching(/WebGPU adapter/) });
  });
});

describe('timingRows and projection', () => {
  it('puts each timing beside its CPU counterpart', () => {
    const res4 = timingRows(results).find((r) => r.name.startsWith('res4 x1'))!;
    expect(res4.accelerated).toMatch(/^0\.70 \(ORT webgpu/);
    expect(res4.cpu).toMatch(/^3\.00 \(ORT cpu/);
  });

  it('projects from the accelerated timings and leaves the unmeasured open', () => {
    const p = projection(results, paper);
    expect(p.rows.find((r) => r.what === 'IAE')!.seconds).toBe(6_000_000 * 0.5);
    expect(p.detectionSeconds).toBeNull();
  });
});

describe('summary', () => {
  it('fits a screen and names what failed', () => {
    const record: CheckRecord = {
      schema: 'mgta-device-check/1', mode: 'gpu', profile: 'paper', startedAt: '2026-12-01T10:00:00Z', updatedAt: '', finished: true,
      parts: { ort: { status: 'ok' }, 'tfjs-accel': { status: 'timeout', error: 'killed after 180 s' } },
      results, parity: parityRows(results), timings: timingRows(results), projection: projection(results, paper),
    };
    const text = summary(record);
    expect(text.split('\n').length).toBeLessThanOrEqual(50);
    expect(text).toMatch(/projected from 2026-12-01 measurements on NVIDIA H200/);
    expect(text).toMatch(/FAIL {2}tfjs det-head step loss/);
    expect(text).toMatch(/tfjs-accel: timeout \(killed after 180 s\)/);
  });
});
