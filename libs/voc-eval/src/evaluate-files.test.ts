import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadVocSplit } from '@mgta/voc';
import type { EvaluationResult } from '@mgta/results-schema';
import { evaluateClassification, evaluateDetections, evaluateDetectionsAtThresholds } from './evaluate-files.ts';
import { evaluateDetectionSet } from './evaluate-set.ts';
import { parseDetectionResults } from './parse-results.ts';
import { indexImages } from './ground-truth.ts';
import { detectionResultsFile, writeClassificationResults, writeDetectionResults } from './result-files.ts';

const FIXTURES = '/work/shared/fixtures/voc-eval';

interface Expected {
  det: Record<string, { ap: number | null; ap07: number | null; npos: number }>;
  cls: Record<string, { ap: number | null; ap07: number | null }>;
  det_map07: number;
  cls_map07: number;
}

const temps: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'voc-eval-test-'));
  temps.push(dir);
  return dir;
}
afterAll(() => temps.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function expectClose(actual: number | null, expected: number | null, what: string): void {
  if (expected === null) expect(actual, what).toBeNull();
  else expect(Math.abs(actual! - expected), `${what}: ${actual} vs ${expected}`).toBeLessThanOrEqual(1e-9);
}

describe.each(['case101', 'case102'])('golden fixture %s', (name) => {
  const root = join(FIXTURES, name);
  const expected = JSON.parse(readFileSync(join(root, 'expected.json'), 'utf8')) as Expected;
  const options = { devkit: join(root, 'VOCdevkit'), year: '2007', split: 'test', resultsDir: join(root, 'results') };

  it('detection: every class AP, AP07 and npos, and the mean AP07', () => {
    const result = evaluateDetections(options);
    expect(Object.keys(result.classes)).toEqual(Object.keys(expected.det));
    for (const [cls, want] of Object.entries(expected.det)) {
      const got = result.classes[cls];
      expectClose(got.ap, want.ap, `${cls} ap`);
      expectClose(got.ap07, want.ap07, `${cls} ap07`);
      expect(got.npos, `${cls} npos`).toBe(want.npos);
    }
    expectClose(result.map07, expected.det_map07, 'det map07');
  });

  it('classification: every class AP and AP07, and the mean AP07', () => {
    const result = evaluateClassification(options);
    expect(Object.keys(result.classes)).toEqual(Object.keys(expected.cls));
    for (const [cls, want] of Object.entries(expected.cls)) {
      expectClose(result.classes[cls].ap, want.ap, `${cls} ap`);
      expectClose(result.classes[cls].ap07, want.ap07, `${cls} ap07`);
    }
    expectClose(result.map07, expected.cls_map07, 'cls map07');
  });

  it('in-memory evaluation of the parsed files equals the file evaluation', () => {
    const split = loadVocSplit({ devkit: options.devkit, year: '2007', split: 'test' });
    const imageIndex = indexImages(split.ids);
    const detections = Object.fromEntries(
      split.classes.map((cls) => {
        const file = detectionResultsFile(options.resultsDir, 'test', cls);
        return [cls, parseDetectionResults(file, readFileSync(file, 'utf8'), imageIndex, 'test')];
      }),
    );
    const inMemory = evaluateDetectionSet({ ids: split.ids, annotations: split.annotations, classes: split.classes, detections });
    expect(inMemory).toEqual(evaluateDetections(options));
  });
});

describe('evaluating result files', () => {
  const root = join(FIXTURES, 'case101');
  const devkit = join(root, 'VOCdevkit');

  it('a missing result file is an error naming the classes and folder, unless allowed; an empty file is AP 0', () => {
    const resultsDir = tempDir();
    cpSync(join(root, 'results'), resultsDir, { recursive: true });
    rmSync(join(resultsDir, 'comp4_det_test_car.txt'));
    rmSync(join(resultsDir, 'comp4_det_test_cat.txt'));
    writeFileSync(join(resultsDir, 'comp4_det_test_dog.txt'), '');
    rmSync(join(resultsDir, 'comp1_cls_test_car.txt'));
    const options = { devkit, year: '2007', split: 'test', resultsDir };
    expect(() => evaluateDetections(options)).toThrow(
      `${resultsDir}: no result file comp4_det_test_<class>.txt for 2 of 20 classes: car, cat (--allow-missing scores them AP 0)`,
    );
    expect(() => evaluateClassification(options)).toThrow(/no result file comp1_cls_test_<class>\.txt for 1 of 20 classes: car /);
    const det = evaluateDetections({ ...options, allowMissing: true });
    expect(det.classes.car).toMatchObject({ ap: 0, ap07: 0, npos: 9 });
    expect(det.classes.dog).toMatchObject({ ap: 0, ap07: 0, npos: 3 });
    expect(det.missing).toEqual(['car', 'cat']);
    const cls = evaluateClassification({ ...options, allowMissing: true });
    expect(cls.classes.car).toEqual({ ap: 0, ap07: 0, npos: 8, pr: { recall: [], precision: [] } });
    expect(cls.missing).toEqual(['car']);
    // Nothing missing: no `missing` key, so --json output keeps its shape.
    expect(evaluateDetections({ ...options, classes: ['dog'] })).not.toHaveProperty('missing');
  });

  it('an empty results folder, or one without files of the expected naming, is an error even with allowMissing', () => {
    const empty = tempDir();
    const options = { devkit, year: '2007', split: 'test', allowMissing: true };
    expect(() => evaluateDetections({ ...options, resultsDir: empty })).toThrow(
      `${empty}: no result file comp4_det_test_<class>.txt for any of the 20 class(es) (the folder is empty); check --results and --split`,
    );
    const otherSplit = tempDir();
    writeFileSync(join(otherSplit, 'comp4_det_val_car.txt'), '');
    expect(() => evaluateClassification({ ...options, resultsDir: otherSplit })).toThrow(/no result file comp1_cls_test_<class>\.txt for any of the 20 class\(es\) \(it holds 1 other file\(s\), e\.g\. comp4_det_val_car\.txt\)/);
  });

  it('reads a result file that starts with a UTF-8 byte-order mark', () => {
    const resultsDir = tempDir();
    const file = detectionResultsFile(resultsDir, 'test', 'car');
    const text = readFileSync(detectionResultsFile(join(root, 'results'), 'test', 'car'), 'utf8');
    writeFileSync(file, '\uFEFF' + text);
    const options = { devkit, year: '2007', split: 'test', classes: ['car'] };
    expect(evaluateDetections({ ...options, resultsDir })).toEqual(evaluateDetections({ ...options, resultsDir: join(root, 'results') }));
  });

  it('an empty classification file gives AP 0, not the AP of the split order', () => {
    const resultsDir = tempDir();
    writeFileSync(join(resultsDir, 'comp1_cls_test_car.txt'), '\n');
    writeFileSync(join(resultsDir, 'comp1_cls_test_dog.txt'), '');
    const result = evaluateClassification({ devkit, year: '2007', split: 'test', resultsDir, classes: ['car', 'dog'], maxPrPoints: 0 });
    expect(result.classes.car).toEqual({ ap: 0, ap07: 0, npos: 8 });
    expect(result).toMatchObject({ map: 0, map07: 0 });
  });

  it('a classification file listing one positive image ranks the rest at -Infinity in split order', () => {
    // car positives of case101 in split order; scoring only the last one puts it first,
    // the other images follow in split order (all -inf).
    const resultsDir = tempDir();
    const split = loadVocSplit({ devkit, year: '2007', split: 'test' });
    const positives = split.ids.filter((id) => split.annotations.get(id)!.objects.some((o) => o.name === 'car' && !o.difficult));
    writeFileSync(join(resultsDir, 'comp1_cls_test_car.txt'), `${positives.at(-1)} 0.3\n`);
    const result = evaluateClassification({ devkit, year: '2007', split: 'test', resultsDir, classes: ['car'], maxPrPoints: 1000 });
    expect(result.classes.car.pr!.precision[0]).toBe(1);
    expect(result.classes.car.pr!.recall).toHaveLength(split.ids.length);
  });

  it('evaluates only the requested classes and rejects unknown ones', () => {
    const options = { devkit, year: '2007', split: 'test', resultsDir: join(root, 'results') };
    expect(Object.keys(evaluateDetections({ ...options, classes: ['dog', 'car'] }).classes)).toEqual(['dog', 'car']);
    expect(() => evaluateDetections({ ...options, classes: ['dragon'] })).toThrow(/--classes: unknown class "dragon"/);
    expect(() => evaluateClassification({ ...options, resultsDir: join(root, 'nowhere') })).toThrow(/results folder does not exist/);
  });

  it('reports a bad line with the file and line number', () => {
    const resultsDir = tempDir();
    writeFileSync(join(resultsDir, 'comp4_det_test_car.txt'), '050878 0.5 1 1 10 10\n050878 0.5 1 1 10\n');
    expect(() => evaluateDetections({ devkit, year: '2007', split: 'test', resultsDir, classes: ['car'] })).toThrow(
      `${join(resultsDir, 'comp4_det_test_car.txt')}: line 2: expected 6 fields`,
    );
  });

  it('detection at several IoU thresholds: the 0.5 entry equals the single evaluation, APs fall as IoU rises', () => {
    const options = { devkit, year: '2007', split: 'test', resultsDir: join(root, 'results') };
    const results: EvaluationResult[] = evaluateDetectionsAtThresholds(options, [0.5, 0.75, 0.95]);
    expect(results[0]).toEqual(evaluateDetections(options));
    expect(results[1]).toEqual(evaluateDetections({ ...options, iouThreshold: 0.75 }));
    expect(results[1].map!).toBeLessThanOrEqual(results[0].map!);
    expect(results[2].map!).toBeLessThanOrEqual(results[1].map!);
  });

  it('written result files evaluate like the rows in memory', () => {
    const split = loadVocSplit({ devkit, year: '2007', split: 'test' });
    // Hits with full-precision scores that Detectron's %.3f would make ties, plus a miss.
    const rows = split.ids.flatMap((imageId, i) =>
      split.annotations.get(imageId)!.objects
        .filter((o) => o.name === 'person')
        .map((o, k) => ({ imageId, score: 0.5 + (i * 7 + k) * 1e-5, box: [o.bbox.xmin, o.bbox.ymin, o.bbox.xmax, o.bbox.ymax] as const })),
    );
    rows.push({ imageId: split.ids[0], score: 0.50001, box: [1, 1, 2, 2] });
    const resultsDir = tempDir();
    writeDetectionResults(resultsDir, 'test', 'person', rows);
    writeClassificationResults(resultsDir, 'test', 'person', split.ids.map((imageId, i) => ({ imageId, score: 1 / (i + 3) })));
    const fromFiles = evaluateDetections({ devkit, year: '2007', split: 'test', resultsDir, classes: ['person'] });
    const inMemory = evaluateDetectionSet({ ids: split.ids, annotations: split.annotations, classes: ['person'], detections: { person: rows } });
    expect(fromFiles).toEqual(inMemory);
    expect(fromFiles.classes.person.ap).toBeLessThan(1);
    expect(readFileSync(join(resultsDir, 'comp1_cls_test_person.txt'), 'utf8').split('\n')[0]).toBe(`${split.ids[0]} ${1 / 3}`);
  });
});
