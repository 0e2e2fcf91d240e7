import type { ClassAp, EvaluationResult, Voc07ClsRecord, VocDetModelResult, VocDetRecord } from '@mgta/results-schema';

/**
 * Small, hand-made records for tests (not a source of numbers anywhere else). Every AP is
 * a round number so a test can state the expected table cell by hand.
 */

const machine = { cpuModel: 'Test CPU', cores: 2, memoryGiB: 24, platform: 'linux', arch: 'x64', osRelease: '6.0', node: 'v20.19.0' };

function classAp(ap: number, ap07: number, npos: number): ClassAp {
  // A PR curve consistent enough to draw: full precision up to recall = ap, then a drop.
  return { ap, ap07, npos, pr: { recall: [0, ap, ap, 1], precision: [1, 1, 0.5, 0.25] } };
}

/** Two classes; mAP = mean of the two. */
export function evaluation(apShirt: number, apBag: number): EvaluationResult {
  return {
    classes: { shirt: classAp(apShirt, apShirt, 10), bag: classAp(apBag, apBag, 5) },
    map: (apShirt + apBag) / 2,
    map07: (apShirt + apBag) / 2,
  };
}

/** Classification record: per model the two class APs. */
export function clsRecord(models: Record<string, [number, number]>, extra: Partial<Voc07ClsRecord> = {}): Voc07ClsRecord {
  return {
    schemaVersion: 1,
    benchmark: 'voc07-cls',
    createdAt: '2026-11-26T06:00:00.000Z',
    preset: 'ci',
    dataset: { name: 'fashion-voc-ci', sha256: 'ab'.repeat(32) },
    protocol: { layer: 'res4', costs: [0.01, 0.1, 1], folds: 3 },
    seeds: { data: 1, svm: 2 },
    software: { mgta: '0.1.0', node: 'v20.19.0' },
    execution: { machine, executionProvider: 'cpu', threads: 2 },
    models: Object.fromEntries(
      Object.entries(models).map(([id, [shirt, bag]]) => [
        id,
        {
          model: { name: id, sha256: 'cd'.repeat(32) },
          result: {
            evaluation: evaluation(shirt, bag),
            svm: { shirt: { cost: 0.1, cvAp: 0.5 }, bag: { cost: 1, cvAp: 0.4 } },
            mapInterval: { low: (shirt + bag) / 2 - 0.05, high: (shirt + bag) / 2 + 0.05, resamples: 1000, seed: 0 },
            features: { layer: 'res4', dimension: 1024, trainvalSha256: 'ef'.repeat(32), testSha256: '01'.repeat(32) },
            seconds: { extract: 1, svm: 2 },
          },
        },
      ]),
    ),
    ...extra,
  };
}

export function detOk(apShirt: number, apBag: number, iterations = 1000): VocDetModelResult {
  return {
    status: 'ok',
    evaluation: evaluation(apShirt, apBag),
    map07Interval: { low: (apShirt + apBag) / 2 - 0.02, high: (apShirt + apBag) / 2 + 0.02, resamples: 1000, seed: 0 },
    iterations,
    seconds: { bodyFeatures: 1, train: 2, inference: 3 },
  };
}

export function detDiverged(atIteration: number, iterations = 1000): VocDetModelResult {
  return { status: 'diverged', divergedAtIteration: atIteration, iterations, seconds: { bodyFeatures: 1, train: 2, inference: 0 } };
}

export function detRecord(models: Record<string, Record<string, VocDetModelResult>>): VocDetRecord {
  return {
    schemaVersion: 1,
    benchmark: 'voc-det',
    createdAt: '2026-11-26T07:00:00.000Z',
    preset: 'ci',
    dataset: { name: 'fashion-voc-ci', sha256: 'ab'.repeat(32) },
    protocol: { trainScale: 1000, testScale: 600, learningRate: 0.002 },
    seeds: { detector: 3 },
    software: { mgta: '0.1.0', node: 'v20.19.0' },
    execution: { machine, backend: 'wasm', threads: 2 },
    models: Object.fromEntries(Object.entries(models).map(([id, result]) => [id, { model: { name: id, sha256: 'cd'.repeat(32) }, result }])),
  };
}
