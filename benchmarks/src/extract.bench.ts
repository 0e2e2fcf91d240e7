/**
 * Extraction throughput against the bare ONNX Runtime session it wraps (issue target: the
 * whole pipeline — JPEG decoding, resize, normalisation, pooling, resumable chunks — reaches
 * at least 85% of the images/s of session.run alone on the same batch size).
 *
 *   npx tsx benchmarks/src/extract.bench.ts [--preset ci] [--images 200]
 * Needs data/fashion-voc/<preset> (npx mgta make-fashion-voc). Writes results/benchmarks/extract.json.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import * as ort from 'onnxruntime-node';
import { ContentCache, machineInfo, writeJsonAtomic } from '@mgta/core';
import { extractFeatures, loadFeatureModel } from '@mgta/features';
import { createSession } from '@mgta/onnx';
import { initialWeights, saveCheckpoint } from '@mgta/resnet';

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const preset = option('preset', 'ci');
const devkit = join('data', 'fashion-voc', preset, 'VOCdevkit');
const batchSize = 8;
process.env.MGTA_QUIET = '1';

const work = mkdtempSync(join(tmpdir(), 'mgta-extract-bench-'));
const checkpoint = join(work, 'random');
await saveCheckpoint(checkpoint, initialWeights({ name: 'resnet50', decoder: false }, 0), { createdBy: 'extract.bench', seed: 0 });

// 1. The bare session: the same model and batch size, a ready-made input, nothing else.
const model = await loadFeatureModel(checkpoint, 'res4');
const { session, threads } = await createSession(model.onnx, { device: 'cpu' });
const input = new ort.Tensor('float32', new Float32Array(batchSize * 3 * 224 * 224).fill(0.1), [batchSize, 3, 224, 224]);
await session.run({ image: input });
const bareBatches = 10;
let started = performance.now();
for (let i = 0; i < bareBatches; i++) await session.run({ image: input });
const bareImagesPerSecond = (bareBatches * batchSize) / ((performance.now() - started) / 1000);
await session.release();

// 2. The whole extraction of the test split, into an empty cache.
const cache = new ContentCache('features', join(work, 'cache'));
started = performance.now();
const result = await extractFeatures({ model: checkpoint, devkit, year: '2007', split: 'test', layer: 'res4', batchSize, cache, device: 'cpu' });
const pipelineImagesPerSecond = result.meta.ids.length / ((performance.now() - started) / 1000);
rmSync(work, { recursive: true, force: true });

const ratio = pipelineImagesPerSecond / bareImagesPerSecond;
const rows = [
  ['bare ORT session.run (batch 8, 224x224, res4)', `${bareImagesPerSecond.toFixed(2)} images/s (${(1000 / bareImagesPerSecond).toFixed(1)} ms/image)`],
  [`mgta extract, ${result.meta.ids.length} JPEGs of ${preset}/test`, `${pipelineImagesPerSecond.toFixed(2)} images/s (${(1000 / pipelineImagesPerSecond).toFixed(1)} ms/image)`],
  ['pipeline / bare', `${(100 * ratio).toFixed(1)}% (target ≥ 85%)`],
];
for (const [name, value] of rows) console.log(`${name.padEnd(52)} ${value}`);
writeJsonAtomic('results/benchmarks/extract.json', {
  benchmark: 'extract', createdAt: new Date().toISOString(), preset, images: result.meta.ids.length, batchSize, threads,
  bareImagesPerSecond, pipelineImagesPerSecond, ratio, machine: machineInfo(),
});
process.exit(0);
