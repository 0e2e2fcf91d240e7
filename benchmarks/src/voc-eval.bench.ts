/**
 * Speed of the VOC evaluators, in process, on a VOC07-test-sized submission generated
 * synthetically (voc-eval-case.ts): 4952 images, ~12.6k objects over 20 classes, ~495k comp4
 * lines, and one comp1 file per class. Goal: parse + evaluate the detection submission well
 * under 2 s on 2 cores. voc-eval-process.bench.ts times `mgta eval-det` as a whole process.
 *
 *   npx tsx benchmarks/src/voc-eval.bench.ts [--runs 5] [--keep <dir>]
 *   npx tsx benchmarks/src/voc-eval.bench.ts --keep <dir> --generate-only
 *     (only writes the case: <dir>/VOCdevkit and <dir>/results, e.g. to time
 *     `mgta eval-det --devkit <dir>/VOCdevkit --results <dir>/results` as a whole process)
 *
 * Prints a table and writes results/benchmarks/voc-eval.json (atomically).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { machineInfo, writeJsonAtomic } from '@mgta/core';
import { softwareVersions } from '@mgta/results-schema';
import { VOC_CLASSES, loadVocSplit } from '@mgta/voc';
import {
  COCO_STYLE_IOU_THRESHOLDS,
  FileBytesReader,
  buildDetectionGroundTruth,
  detectionResultsFile,
  evaluateClassDetections,
  evaluateClassDetectionsAtThresholds,
  evaluateClassification,
  evaluateDetections,
  indexImages,
  parseDetectionResults,
} from '@mgta/voc-eval';
import { IMAGES, SEED, SPLIT, YEAR, generateVocEvalCase } from './voc-eval-case.ts';

const { values: args } = parseArgs({ options: { runs: { type: 'string', default: '5' }, keep: { type: 'string' }, 'generate-only': { type: 'boolean' } } });
if (args['generate-only'] && args.keep === undefined) throw new Error('--generate-only needs --keep <dir> (where the case is written)');
const runs = Number(args.runs);

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
  const generated = time(() => generateVocEvalCase(dir));
  const { devkit, resultsDir } = generated.value;
  process.stderr.write(`  ${generated.value.objects} objects, ${generated.value.lines} detection lines (${(generated.value.bytes / 2 ** 20).toFixed(1)} MiB) in ${(generated.ms / 1000).toFixed(1)} s\n`);
  if (args['generate-only']) process.exit(0);

  const options = { devkit, year: YEAR, split: SPLIT, resultsDir };
  const loadBefore = loadavg().map((l) => Number(l.toFixed(2)));
  const samples: Record<string, number[]> = { loadAnnotations: [], detReadParse: [], detEvaluate: [], detParseEvaluate: [], detThresholds10: [], detFiles: [], clsFiles: [] };
  let map = 0, map07 = 0, clsMap = 0, mapCoco = 0;
  for (let run = 0; run < runs; run++) {
    // Ground truth from the XML annotations (libs/voc), once per run.
    const loaded = time(() => loadVocSplit({ devkit, year: YEAR, split: SPLIT }));
    samples.loadAnnotations.push(loaded.ms);
    const split = loaded.value;
    const gt = buildDetectionGroundTruth(split.ids, split.annotations, split.classes);
    const imageIndex = indexImages(split.ids);
    // The goal's figure: read + parse every comp4 file (as evaluateDetections reads them),
    // then rank, match and compute both APs.
    const reader = new FileBytesReader();
    const parsed = time(() =>
      split.classes.map((cls) => {
        const file = detectionResultsFile(resultsDir, SPLIT, cls);
        return parseDetectionResults(file, reader.read(file), imageIndex, SPLIT);
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
  console.log(`(load average ${loadBefore[0]} before, ${loadavg()[0].toFixed(2)} after, on ${machineInfo().cores} cores)`);
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
    // 1, 5 and 15-minute load averages: figures from a busy machine do not compare with a quiet one's.
    loadAverage: { before: loadBefore, after: loadavg().map((l) => Number(l.toFixed(2))) },
    sanity: { detMap: map, detMap07: map07, detMapCoco: mapCoco, clsMap },
    machine: machineInfo(),
    software: softwareVersions(['fast-xml-parser']),
  });
  console.log(`wrote ${out}`);
} finally {
  if (args.keep === undefined) rmSync(dir, { recursive: true, force: true });
}
