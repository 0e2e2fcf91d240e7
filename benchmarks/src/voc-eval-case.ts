/**
 * The synthetic VOC07-test-sized detection case that the voc-eval benchmarks time: 4952
 * images (VOC2007 test), ~12.6k objects over the 20 classes (some difficult), ~100 detections
 * per image (Detectron's TEST.DETECTIONS_PER_IM default) = ~495k comp4 lines with Detectron's
 * rounding (`%.3f` scores, `%.1f` boxes), and one comp1 classification file per class.
 * Deterministic for a seed: the same files every time.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Random } from '@mgta/core';
import { VOC_CLASSES, writeVocYear, type VocAnnotation, type VocObject } from '@mgta/voc';
import { writeClassificationResults, writeDetectionResults, type DetectionRow } from '@mgta/voc-eval';

export const SEED = 2007;
export const IMAGES = 4952; // VOC2007 test
export const DETECTIONS_PER_IMAGE = 100; // Detectron TEST.DETECTIONS_PER_IM
export const YEAR = '2007';
export const SPLIT = 'test';

export interface GeneratedCase {
  /** The VOCdevkit folder (holding VOC2007/). */
  devkit: string;
  /** The folder of comp4_det_test_<cls>.txt and comp1_cls_test_<cls>.txt files. */
  resultsDir: string;
  objects: number;
  lines: number;
  bytes: number;
}

type Box = [number, number, number, number];

function randomBox(random: Random, width: number, height: number): Box {
  const w = 10 + random.int(width - 10), h = 10 + random.int(height - 10);
  const x1 = 1 + random.int(width - w + 1), y1 = 1 + random.int(height - h + 1);
  return [x1, y1, x1 + w - 1, y1 + h - 1];
}

/** A detection near `box`: corners jittered by ~10% of its size, rounded like Detectron's %.1f. */
function jitter(random: Random, box: Box): Box {
  const w = box[2] - box[0] + 1, h = box[3] - box[1] + 1;
  const r = (v: number, s: number) => Math.round((v + 0.1 * s * random.normal()) * 10) / 10;
  return [r(box[0], w), r(box[1], h), r(box[2], w), r(box[3], h)];
}

/** Writes the case into `dir` (VOCdevkit/ and results/). */
export function generateVocEvalCase(dir: string): GeneratedCase {
  const random = new Random(SEED);
  const annotations: VocAnnotation[] = [];
  for (let i = 0; i < IMAGES; i++) {
    const width = 500, height = 375;
    const objects: VocObject[] = [];
    const count = 1 + random.int(4); // mean 2.5 → ~12.4k objects
    for (let k = 0; k < count; k++) {
      const [x1, y1, x2, y2] = randomBox(random, width, height);
      objects.push({
        name: VOC_CLASSES[random.int(VOC_CLASSES.length)],
        bbox: { xmin: x1, ymin: y1, xmax: x2, ymax: y2 },
        difficult: random.next() < 0.1,
        truncated: false,
        pose: 'Unspecified',
      });
    }
    annotations.push({ id: String(i + 1).padStart(6, '0'), filename: `${String(i + 1).padStart(6, '0')}.jpg`, size: { width, height, depth: 3 }, objects });
  }
  const devkit = join(dir, 'VOCdevkit');
  writeVocYear(join(devkit, `VOC${YEAR}`), { classes: [...VOC_CLASSES], annotations, splits: { [SPLIT]: annotations.map((a) => a.id) } });

  const rows = new Map<string, DetectionRow[]>(VOC_CLASSES.map((c) => [c, []]));
  for (const annotation of annotations) {
    let left = DETECTIONS_PER_IMAGE;
    for (const object of annotation.objects) {
      const { xmin, ymin, xmax, ymax } = object.bbox;
      for (let k = 0; k < 3; k++, left--) {
        // Scores with 3 decimals, as Detectron writes them: many ties.
        const score = Math.round((0.5 + 0.5 * random.next()) * 1000) / 1000;
        rows.get(object.name)!.push({ imageId: annotation.id, score, box: jitter(random, [xmin, ymin, xmax, ymax]) });
      }
    }
    for (; left > 0; left--) {
      const cls = VOC_CLASSES[random.int(VOC_CLASSES.length)];
      const box = randomBox(random, annotation.size.width, annotation.size.height);
      rows.get(cls)!.push({ imageId: annotation.id, score: Math.round(random.next() * 1000) / 1000, box });
    }
  }
  const resultsDir = join(dir, 'results');
  let lines = 0, bytes = 0;
  for (const [cls, classRows] of rows) {
    lines += classRows.length;
    bytes += statSync(writeDetectionResults(resultsDir, SPLIT, cls, classRows)).size;
    const scores = annotations.map((a) => ({
      imageId: a.id,
      score: Math.round((random.next() + (a.objects.some((o) => o.name === cls) ? 0.5 : 0)) * 1e6) / 1e6,
    }));
    writeClassificationResults(resultsDir, SPLIT, cls, scores);
  }
  const objects = annotations.reduce((n, a) => n + a.objects.length, 0);
  return { devkit, resultsDir, objects, lines, bytes };
}


/** The sizes of a case written before (by generateVocEvalCase), read back from its files. */
export function describeVocEvalCase(dir: string): Omit<GeneratedCase, 'devkit' | 'resultsDir'> {
  const annotations = join(dir, 'VOCdevkit', `VOC${YEAR}`, 'Annotations');
  let objects = 0;
  for (const name of readdirSync(annotations)) objects += readFileSync(join(annotations, name), 'utf8').split('<object>').length - 1;
  let lines = 0, bytes = 0;
  for (const cls of VOC_CLASSES) {
    const file = join(dir, 'results', `comp4_det_${SPLIT}_${cls}.txt`);
    const text = readFileSync(file, 'latin1');
    lines += text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
    bytes += statSync(file).size;
  }
  return { objects, lines, bytes };
}
