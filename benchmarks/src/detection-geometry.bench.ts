/**
 * Speed of the plain-JS Faster R-CNN C4 geometry (libs/detection) at VOC scale: a 600 x 800
 * input gives a 38 x 50 res4 map (stride 16) with 12 anchors per cell = 22800 anchors.
 *
 *   npx tsx benchmarks/src/detection-geometry.bench.ts [--runs 5]
 *
 * Steps: RPN proposals with the TRAIN (12000 / 2000) and TEST (2000 / 1000) settings; NMS of
 * 12000 boxes (the top-12000 decoded anchors, IoU 0.7) run to the end and stopped at 2000;
 * RoIPool of 64 RoIs into 14 x 14 from a 1024 x 38 x 50 map (channels last); RPN targets and
 * RoI sampling for one image. Prints a table and writes results/benchmarks/detection-geometry.json.
 */
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Random, machineInfo, writeJsonAtomic } from '@mgta/core';
import { softwareVersions } from '@mgta/results-schema';
import {
  DETECTRON_C4_PROTOCOL as P,
  clipBoxes,
  decodeBoxes,
  generateBaseAnchors,
  generateProposals,
  nms,
  orderByScoreDescending,
  roiPool,
  roiTargets,
  rpnTargets,
  shiftedAnchors,
} from '@mgta/detection';

const SEED = 16;
const IMAGE = { height: 600, width: 800, scale: 1 };
const MAP = { height: 38, width: 50, channels: 1024 };

const { values: args } = parseArgs({ options: { runs: { type: 'string', default: '5' } } });
const runs = Number(args.runs);
const random = new Random(SEED);

/** Wall time, and this process's CPU time (user + system), which a loaded machine inflates less. */
function time<T>(fn: () => T): { ms: number; cpuMs: number; value: T } {
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  const value = fn();
  const cpu = process.cpuUsage(cpuStart);
  return { ms: performance.now() - start, cpuMs: (cpu.user + cpu.system) / 1000, value };
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function stats(wall: number[], cpu: number[]): { medianMs: number; minMs: number; medianCpuMs: number } {
  return { medianMs: median(wall), minMs: Math.min(...wall), medianCpuMs: median(cpu) };
}

const cellAnchors = generateBaseAnchors(P.featureStride, P.anchorSizes, P.anchorAspectRatios);
const anchors = shiftedAnchors(cellAnchors, MAP.height, MAP.width, P.featureStride);
const numAnchors = anchors.length / 4;
const objectness = Float32Array.from({ length: numAnchors }, () => random.next());
const deltas = Float32Array.from({ length: numAnchors * 4 }, () => random.normal() * 0.1);
const order = orderByScoreDescending(objectness).subarray(0, 12000);
const topAnchors = new Float32Array(12000 * 4);
const topDeltas = new Float32Array(12000 * 4);
order.forEach((i, k) => {
  topAnchors.set(anchors.subarray(i * 4, i * 4 + 4), k * 4);
  topDeltas.set(deltas.subarray(i * 4, i * 4 + 4), k * 4);
});
const nmsBoxes = clipBoxes(decodeBoxes(topAnchors, topDeltas, P.rpnBoxWeights, P.bboxXformClip), IMAGE);
const nmsScores = Float32Array.from(order, (i) => objectness[i]);
const features = { ...MAP, data: Float32Array.from({ length: MAP.height * MAP.width * MAP.channels }, () => random.normal()) };
const proposals = generateProposals({ anchors, objectness, deltas }, IMAGE, P.rpnTrainProposals, P.rpnBoxWeights, P.bboxXformClip);
const gtBoxes = new Float32Array([48, 240, 195, 371, 300, 100, 599, 499, 620, 350, 760, 590]);
const gtClasses = new Int32Array([7, 15, 12]);
const rois = roiTargets(proposals.boxes, gtBoxes, gtClasses, P, random.fork(1)).rois;

const steps: Array<[string, string, () => unknown]> = [
  ['anchors', `${numAnchors} anchors (38 x 50 x 12)`, () => shiftedAnchors(cellAnchors, MAP.height, MAP.width, P.featureStride)],
  ['proposalsTrain', 'generateProposals, pre/post NMS 12000/2000', () => generateProposals({ anchors, objectness, deltas }, IMAGE, P.rpnTrainProposals, P.rpnBoxWeights, P.bboxXformClip)],
  ['proposalsTest', 'generateProposals, pre/post NMS 2000/1000', () => generateProposals({ anchors, objectness, deltas }, IMAGE, P.rpnTestProposals, P.rpnBoxWeights, P.bboxXformClip)],
  ['nms12000', 'NMS 0.7 of 12000 boxes, to the end', () => nms(nmsBoxes, nmsScores, 0.7)],
  ['nms12000Top2000', 'NMS 0.7 of 12000 boxes, stop at 2000 kept', () => nms(nmsBoxes, nmsScores, 0.7, 2000)],
  ['roiPool64', `RoIPool ${rois.length / 4} RoIs -> 14x14x1024 from 38x50x1024`, () => roiPool(features, rois, P.roiPooledSize, P.roiSpatialScale)],
  ['rpnTargets', 'RPN assignment + sampling, 3 GT', () => rpnTargets(anchors, gtBoxes, IMAGE, P, random.fork(2))],
  ['roiTargets', 'RoI sampling from 2000 proposals, 3 GT', () => roiTargets(proposals.boxes, gtBoxes, gtClasses, P, random.fork(3))],
];

const samples: Record<string, number[]> = Object.fromEntries(steps.map(([key]) => [key, []]));
const cpuSamples: Record<string, number[]> = Object.fromEntries(steps.map(([key]) => [key, []]));
let kept = 0;
for (let run = 0; run < runs; run++) {
  for (const [key, , fn] of steps) {
    const result = time(fn);
    samples[key].push(result.ms);
    cpuSamples[key].push(result.cpuMs);
    if (key === 'nms12000') kept = (result.value as Int32Array).length;
  }
}
const timings = Object.fromEntries(steps.map(([key]) => [key, stats(samples[key], cpuSamples[key])]));
console.log(`detection geometry speed, ${runs} runs (first run includes JIT warm-up; median reported)`);
console.log(`${'step'.padEnd(16)} ${'median ms'.padStart(10)} ${'min ms'.padStart(8)} ${'cpu ms'.padStart(8)}  what`);
for (const [key, what] of steps) {
  const t = timings[key];
  console.log(`${key.padEnd(16)} ${t.medianMs.toFixed(1).padStart(10)} ${t.minMs.toFixed(1).padStart(8)} ${t.medianCpuMs.toFixed(1).padStart(8)}  ${what}`);
}
console.log(`(sanity: ${proposals.scores.length} train proposals, NMS kept ${kept} of 12000)`);

const out = fileURLToPath(new URL('../../results/benchmarks/detection-geometry.json', import.meta.url));
writeJsonAtomic(out, {
  benchmark: 'detection-geometry-speed',
  createdAt: new Date().toISOString(),
  seed: SEED,
  setup: { image: IMAGE, featureMap: MAP, anchors: numAnchors, rois: rois.length / 4 },
  runs,
  timings,
  sanity: { trainProposals: proposals.scores.length, nmsKept: kept },
  loadAverage: loadavg(),
  machine: machineInfo(),
  software: softwareVersions(),
});
console.log(`wrote ${out}`);
