/**
 * Speed of the VOC evaluators on a VOC07-test-sized submission, generated synthetically:
 * 4952 images (VOC2007 test), ~12k objects over 20 classes, ~100 detections per image
 * (Detectron's TEST.DETECTIONS_PER_IM default) = ~500k comp4 lines, and one comp1 file per
 * class. Goal: parse + evaluate the detection submission well under 2 s on 2 cores.
 *
 *   npx tsx benchmarks/src/voc-eval.bench.ts [--runs 5] [--keep <dir>]
 *   npx tsx benchmarks/src/voc-eval.bench.ts --keep <dir> --generate-only
 *     (only writes the case: <dir>/VOCdevkit and <dir>/results, e.g. to time
 *     `mgta eval-det --devkit <dir>/VOCdevkit --results <dir>/results` as a whole process)
 *
 * Prints a table and writes results/benchmarks/voc-eval.json (atomically).
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Random, machineInfo, writeJsonAtomic } from '@mgta/core';
import { softwareVersions } from '@mgta/results-schema';
import { VOC_CLASSES, loadVocSplit, writeVocYear, type VocAnnotation, type VocObject } from '@mgta/voc';
import {
  COCO_STYLE_IOU_THRESHOLDS,
  buildDetectionGroundTruth,
  detectionResultsFile,
  evaluateClassDetections,
  evaluateClassDetectionsAtThresholds,
  evaluateClassification,
  evaluateDetections,
  indexImages,
  parseDetectionResults,
  writeClassificationResults,
  writeDetectionResults,
  type DetectionRow,
} from '@mgta/voc-eval';

const SEED = 2007;
const IMAGES = 4952; // VOC2007 test
const DETECTIONS_PER_IMAGE = 100; // Detectron TEST.DETECTIONS_PER_IM
const YEAR = '2007';
const SPLIT = 'test';

const { values: args } = parseArgs({ options: { runs: { type: 'string', default: '5' }, keep: { type: 'string' }, 'generate-only': { type: 'boolean' } } });
if (args['generate-only'] && args.keep === undefined) throw new Error('--generate-only needs --keep <dir> (where the case is written)');
const runs = Number(args.runs);

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

function generate(dir: string): { devkit: string; resultsDir: string; objects: number; lines: number; bytes: number } {
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

function time<T>(run: () => T): { ms: number; value: T } {
  const start = process.hrtime.bigint();
  const value = run();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, value };
}

function stats(samples: number[]): { medianMs: number; minMs: number; samplesMs: number[] } {
  const sorted = [...samples].sort((a, b) => a - b);
  const round = (ms: number) => Math.round(ms * 10) / 10;
  return { medianMs: round(sorted[Math.floor(sorted.length / 2)]), minMs: round(sorted[0]), samplesMs: samples.map(round) };
}

const dir = args.keep ?? mkdtempSync(join(tmpdir(), 'voc-eval-bench-'));
try {
  process.stderr.write(`generating the synthetic VOC07-sized submission in ${dir} (seed ${SEED}) ...\n`);
  const generated = time(() => generate(dir));
  const { devkit, resultsDir } = generated.value;
  process.stderr.write(`  ${generated.value.objects} objects, ${generated.value.lines} detection lines (${(generated.value.bytes / 2 ** 20).toFixed(1)} MiB) in ${(generated.ms / 1000).toFixed(1)} s\n`);
  if (args['generate-only']) process.exit(0);

  const options = { devkit, year: YEAR, split: SPLIT, resultsDir };
  const samples: Record<string, number[]> = { loadAnnotations: [], detReadParse: [], detEvaluate: [], detParseEvaluate: [], detThresholds10: [], detFiles: [], clsFiles: [] };
  let map = 0, map07 = 0, clsMap = 0, mapCoco = 0;
  for (let run = 0; run < runs; run++) {
    // Ground truth from the XML annotations (libs/voc), once per run.
    const loaded = time(() => loadVocSplit({ devkit, year: YEAR, split: SPLIT }));
    samples.loadAnnotations.push(loaded.ms);
    const split = loaded.value;
    const gt = buildDetectionGroundTruth(split.ids, split.annotations, split.classes);
    const imageIndex = indexImages(split.ids);
    // The goal's figure: read + parse every comp4 file, then rank, match and compute both APs.
    const parsed = time(() =>
      split.classes.map((cls) => {
        const file = detectionResultsFile(resultsDir, SPLIT, cls);
        return parseDetectionResults(file, readFileSync(file, 'utf8'), imageIndex, SPLIT);
      }),
    );
    const evaluated = time(() => split.classes.map((cls, c) => evaluateClassDetections(gt.get(cls)!, parsed.value[c])));
    samples.detReadParse.push(parsed.ms);
    samples.detEvaluate.push(evaluated.ms);
    samples.detParseEvaluate.push(parsed.ms + evaluated.ms);
    const coco = time(() => split.classes.map((cls, c) => evaluateClassDetectionsAtThresholds(gt.get(cls)!, parsed.value[c], COCO_STYLE_IOU_THRESHOLDS)));
    samples.detThresholds10.push(coco.ms);
    mapCoco = coco.value.reduce((sum, perT) => sum + perT.reduce((s, r) => s + r.ap!, 0) / perT.length, 0) / coco.value.length;
    // End to end as `mgta eval-det` / `mgta eval-cls` run it (annotations included).
    const det = time(() => evaluateDetections(options));
    samples.detFiles.push(det.ms);
    map = det.value.map!;
    map07 = det.value.map07!;
    const cls = time(() => evaluateClassification(options));
    samples.clsFiles.push(cls.ms);
    clsMap = cls.value.map!;
  }

  const rowsOut: Array<[string, string]> = [
    ['loadAnnotations', 'libs/voc loadVocSplit: 4952 XML annotations'],
    ['detReadParse', 'read + parse 20 comp4 files'],
    ['detEvaluate', 'rank + match + AP, 20 classes, IoU 0.5'],
    ['detParseEvaluate', 'detection parse + evaluate (goal < 2000 ms)'],
    ['detThresholds10', 'evaluate at IoU 0.50:0.05:0.95 (parsed)'],
    ['detFiles', 'evaluateDetections end to end'],
    ['clsFiles', 'evaluateClassification end to end'],
  ];
  const timings = Object.fromEntries(rowsOut.map(([key]) => [key, stats(samples[key])]));
  console.log(`voc-eval speed, ${runs} runs, ${generated.value.lines} detection lines, ${generated.value.objects} objects, ${IMAGES} images`);
  console.log(`${'step'.padEnd(18)} ${'median ms'.padStart(10)} ${'min ms'.padStart(8)}  what`);
  for (const [key, what] of rowsOut) {
    console.log(`${key.padEnd(18)} ${timings[key].medianMs.toFixed(1).padStart(10)} ${timings[key].minMs.toFixed(1).padStart(8)}  ${what}`);
  }
  console.log(`(sanity: det mAP ${map.toFixed(4)}, mAP07 ${map07.toFixed(4)}, mAP@[.5:.95] ${mapCoco.toFixed(4)}, cls mAP ${clsMap.toFixed(4)})`);

  const out = fileURLToPath(new URL('../../results/benchmarks/voc-eval.json', import.meta.url));
  writeJsonAtomic(out, {
    benchmark: 'voc-eval-speed',
    createdAt: new Date().toISOString(),
    seed: SEED,
    dataset: { images: IMAGES, objects: generated.value.objects, detectionLines: generated.value.lines, detectionBytes: generated.value.bytes, classes: VOC_CLASSES.length },
    runs,
    timings,
    goal: { detParseEvaluateMs: 2000, met: timings.detParseEvaluate.medianMs < 2000 },
    sanity: { detMap: map, detMap07: map07, detMapCoco: mapCoco, clsMap },
    machine: machineInfo(),
    software: softwareVersions(['fast-xml-parser']),
  });
  console.log(`wrote ${out}`);
} finally {
  if (args.keep === undefined) rmSync(dir, { recursive: true, force: true });
}
