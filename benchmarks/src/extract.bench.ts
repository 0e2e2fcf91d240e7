/**
 * Extraction throughput against the bare ONNX Runtime session it wraps (issue target: the
 * whole pipeline — JPEG decoding, resize, normalisation, the pooled graph, resumable chunks — reaches
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
import { extractFeatures, GOYAL_POOLING, loadFeatureModel } from '@mgta/features';
import { appendAveragePool, createSession } from '@mgta/onnx';
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

// 1. The bare session: the graph extraction runs (encoder to res4 + the Goyal pooling, which
//    is in the graph) at the same batch size, on a ready-made input, nothing else; and, for
//    reference, the encoder alone (its output is the whole res4 map).
const model = await loadFeatureModel(checkpoint, 'res4');
const input = new ort.Tensor('float32', new Float32Array(batchSize * 3 * 224 * 224).fill(0.1), [batchSize, 3, 224, 224]);
async function bareImagesPerSecondOf(onnx: Uint8Array): Promise<{ imagesPerSecond: number; threads: number }> {
  const { session, threads } = await createSession(onnx, { device: 'cpu' });
  await session.run({ image: input });
  const batches = 25;
  const begun = performance.now();
  for (let i = 0; i < batches; i++) await session.run({ image: input });
  const imagesPerSecond = (batches * batchSize) / ((performance.now() - begun) / 1000);
  await session.release();
  return { imagesPerSecond, threads };
}
const pooledGraph = appendAveragePool(model.onnx, { input: model.outputName, output: 'features', ...GOYAL_POOLING.res4 });
const { imagesPerSecond: bareImagesPerSecond, threads } = await bareImagesPerSecondOf(pooledGraph);
const { imagesPerSecond: bareMapImagesPerSecond } = await bareImagesPerSecondOf(model.onnx);


// 2. The whole extraction of the test split, into an empty cache.
const cache = new ContentCache('features', join(work, 'cache'));
const started = performance.now();
const result = await extractFeatures({ model: checkpoint, devkit, year: '2007', split: 'test', layer: 'res4', batchSize, cache, device: 'cpu' });
const pipelineImagesPerSecond = result.meta.ids.length / ((performance.now() - started) / 1000);
rmSync(work, { recursive: true, force: true });

const ratio = pipelineImagesPerSecond / bareImagesPerSecond;
const rows = [
  ['bare ORT session.run, encoder to res4 alone', `${bareMapImagesPerSecond.toFixed(2)} images/s (${(1000 / bareMapImagesPerSecond).toFixed(1)} ms/image)`],
  ['bare ORT session.run, res4 + pooling (batch 8, 224)', `${bareImagesPerSecond.toFixed(2)} images/s (${(1000 / bareImagesPerSecond).toFixed(1)} ms/image)`],
  [`mgta extract, ${result.meta.ids.length} JPEGs of ${preset}/test`, `${pipelineImagesPerSecond.toFixed(2)} images/s (${(1000 / pipelineImagesPerSecond).toFixed(1)} ms/image)`],
  ['pipeline / bare', `${(100 * ratio).toFixed(1)}% (target ≥ 85%)`],
];
for (const [name, value] of rows) console.log(`${name.padEnd(52)} ${value}`);
writeJsonAtomic('results/benchmarks/extract.json', {
  benchmark: 'extract', createdAt: new Date().toISOString(), preset, images: result.meta.ids.length, batchSize, threads,
  bareImagesPerSecond, bareMapImagesPerSecond, pipelineImagesPerSecond, ratio, machine: machineInfo(),
});
process.exit(0);
