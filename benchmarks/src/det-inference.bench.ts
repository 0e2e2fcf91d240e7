/**
 * Detector inference speed: the whole exported Faster R-CNN C4 (body + RPN + proposals + RoIPool +
 * res5 head + NMS, one ONNX model) in onnxruntime-node, ms per image at the preset's test scale,
 * on the preset's first VOC2007 test images. Random weights (speed does not depend on the values;
 * with random heads every RoI survives the score threshold, the worst case for NMS).
 *   npx tsx benchmarks/src/det-inference.bench.ts [--preset embedded] [--images 20] [--threads 2] [--device cpu]
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import { machineInfo, writeJsonAtomic } from '@mgta/core';
import { exportDetectorOnnx, headConfigOf, initHeadWeights, loadDetSplit, onnxDetect, parseDetectionPreset, readVariables } from '@mgta/detection';
import { decodeImage } from '@mgta/imaging';
import { initBackend } from '@mgta/nn';
import { createSession, type Device } from '@mgta/onnx';
import { loadPreset } from '@mgta/presets';
import { initialWeights, pixelNormalizationDefault } from '@mgta/resnet';

const { values: args } = parseArgs({ options: {
  preset: { type: 'string', default: 'embedded' }, images: { type: 'string', default: '20' }, threads: { type: 'string', default: '2' }, device: { type: 'string', default: 'cpu' },
} });
const threads = Number(args.threads);
await initBackend({ prefer: 'wasm', threads, log: false });
const preset = loadPreset(args.preset!);
const devkit = fileURLToPath(new URL(`../../data/fashion-voc/${preset.name}/VOCdevkit`, import.meta.url));
const test = loadDetSplit(devkit, '2007', 'test');
const protocol = parseDetectionPreset(preset.detection, preset.name, test.classes.length + 1);
const weights = initialWeights({ name: 'resnet50', decoder: false }, 0);
const heads = initHeadWeights(headConfigOf(protocol), weights, 0);
const model = exportDetectorOnnx({ body: weights, heads: { trainable: readVariables(heads.trainable), frozen: readVariables(heads.frozen) }, protocol });
const { session, executionProvider } = await createSession(model, { device: args.device as Device, threads });
const normalization = { ...pixelNormalizationDefault };
const images = await Promise.all(test.images.slice(0, Number(args.images)).map((image) => decodeImage(image.path)));
await onnxDetect(session, images[0], protocol, normalization); // warm-up
const ms: number[] = [];
let detections = 0;
for (const image of images) {
  const start = performance.now();
  detections += (await onnxDetect(session, image, protocol, normalization)).scores.length;
  ms.push(performance.now() - start);
}
await session.release();
const sorted = [...ms].sort((a, b) => a - b);
const row = {
  benchmark: 'det-inference', createdAt: new Date().toISOString(), preset: preset.name, executionProvider, threads, images: images.length,
  scale: protocol.scale, maxSize: protocol.maxSize, testProposals: protocol.detectron.rpnTestProposals.postNmsTopN, roiPooledSize: protocol.detectron.roiPooledSize,
  medianMsPerImage: sorted[Math.floor(sorted.length / 2)], meanMsPerImage: ms.reduce((a, b) => a + b, 0) / ms.length, minMsPerImage: sorted[0], maxMsPerImage: sorted[sorted.length - 1],
  detectionsPerImage: detections / images.length, modelMiB: model.length / 2 ** 20, ort: ort.env.versions.common, machine: machineInfo(),
};
console.log(`ONNX Runtime ${ort.env.versions.common}, whole detector (${preset.name}: scale ${protocol.scale}, ${row.testProposals} test RoIs, RoIPool ${row.roiPooledSize}), ${executionProvider}, ${threads} threads`);
console.table([{ images: row.images, 'median ms/image': row.medianMsPerImage.toFixed(1), 'mean ms/image': row.meanMsPerImage.toFixed(1), 'min': row.minMsPerImage.toFixed(1), 'max': row.maxMsPerImage.toFixed(1) }]);
writeJsonAtomic(fileURLToPath(new URL(`../../results/benchmarks/det-inference-${preset.name}.json`, import.meta.url)), row);
// The wasm backend's worker threads and the ORT session keep the event loop alive.
process.exit(0);
