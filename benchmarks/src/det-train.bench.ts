/**
 * Head-training speed: RPN + res5 RoI head iterations per second in tfjs (wasm) on cached body
 * features, with the preset's protocol and width (embedded: ResNet-50 x1/4, 2 images x 32 RoIs
 * per iteration). Random model; the body maps are computed once in memory (not timed).
 *   npx tsx benchmarks/src/det-train.bench.ts [--preset embedded] [--iterations 20] [--threads 2]
 */
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { machineInfo, writeJsonAtomic } from '@mgta/core';
import { bodyFeatures, disposeHeadWeights, loadDetSplit, parseDetectionPreset, trainDetector, trainEntries } from '@mgta/detection';
import { initBackend } from '@mgta/nn';
import { createSession, exportEncoderOnnx } from '@mgta/onnx';
import { pretrainPreset } from '@mgta/pretrain';
import { loadPreset } from '@mgta/presets';
import { initialWeights, pixelNormalizationDefault } from '@mgta/resnet';

const { values: args } = parseArgs({ options: { preset: { type: 'string', default: 'embedded' }, iterations: { type: 'string', default: '20' }, threads: { type: 'string', default: '2' } } });
const threads = Number(args.threads);
const iterations = Number(args.iterations);
const backend = await initBackend({ prefer: 'wasm', threads, log: false });
const preset = loadPreset(args.preset!);
const devkit = fileURLToPath(new URL(`../../data/fashion-voc/${preset.name}/VOCdevkit`, import.meta.url));
const train = loadDetSplit(devkit, '2007', 'trainval');
const base = parseDetectionPreset(preset.detection, preset.name, train.classes.length + 1);
const protocol = { ...base, warmupIterations: 0, checkpointEvery: 1e9 };
const width = pretrainPreset(preset, args.preset!).width ?? 1;
const weights = initialWeights({ name: 'resnet50', decoder: false, width }, 0);
const { session } = await createSession(exportEncoderOnnx(weights, { layer: 'res4' }), { device: 'cpu', threads });
const { set } = await bodyFeatures(train.images.slice(0, 4 * protocol.imagesPerIteration), {
  body: { session, normalization: { ...pixelNormalizationDefault } }, geometry: protocol, modelSha256: 'bench', cache: false,
});
const entries = trainEntries(set, train);
const seconds: number[] = [];
const schedule = { iterations: iterations + 1, steps: [] };
const out = await trainDetector({ protocol, schedule, entries, pretrained: weights, onIteration: (row) => seconds.push(row.seconds) }, 'bench');
disposeHeadWeights(out.weights);
const timed = seconds.slice(1); // the first iteration compiles kernels
const mean = timed.reduce((a, b) => a + b, 0) / timed.length;
const row = {
  benchmark: 'det-train', createdAt: new Date().toISOString(), preset: preset.name, width, backend: backend.name, threads, iterations: timed.length,
  imagesPerIteration: protocol.imagesPerIteration, roisPerImage: protocol.detectron.roiBatchSizePerImage, roiPooledSize: protocol.detectron.roiPooledSize,
  res5Stride: protocol.res5Stride, rpnChannels: protocol.rpnChannels, scale: protocol.scale,
  secondsPerIteration: mean, iterationsPerSecond: 1 / mean, imagesPerSecond: protocol.imagesPerIteration / mean, status: out.status, machine: machineInfo(), loadAverage: loadavg(),
};
console.log(`det head training (${preset.name}): ${row.iterationsPerSecond.toFixed(2)} it/s = ${mean.toFixed(2)} s/iteration (ResNet-50 x${width}, ${row.imagesPerIteration} images x ${row.roisPerImage} RoIs, RoIPool ${row.roiPooledSize}, res5 stride ${row.res5Stride}), ${backend.name} ${threads} threads`);
writeJsonAtomic(fileURLToPath(new URL(`../../results/benchmarks/det-train-${preset.name}.json`, import.meta.url)), row);
// The wasm backend's worker threads and the ORT session keep the event loop alive.
process.exit(0);
