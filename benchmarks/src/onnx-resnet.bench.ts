/**
 * ResNet-50 res4 feature extraction speed in ONNX Runtime (CPU provider): ms per image at
 * 224x224, batch 8, random weights (speed does not depend on the values). The shared notes
 * measured ~37 ms/image on 2 threads.
 *   npx tsx benchmarks/src/onnx-resnet.bench.ts [--threads 2] [--repeats 5] [--batch 8] [--layer res4]
 */
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import { machineInfo, writeJsonAtomic } from '@mgta/core';
import { createSession, exportEncoderOnnx, randomResnet50Weights, type EncoderLayer } from '@mgta/onnx';

const { values: args } = parseArgs({
  options: {
    threads: { type: 'string', default: '2' },
    repeats: { type: 'string', default: '5' },
    batch: { type: 'string', default: '8' },
    size: { type: 'string', default: '224' },
    layer: { type: 'string', default: 'res4' },
  },
});
const threads = Number(args.threads);
const repeats = Number(args.repeats);
const batch = Number(args.batch);
const size = Number(args.size);
const layer = args.layer as EncoderLayer;
const SEED = 1;

const weights = randomResnet50Weights(SEED, layer);
const model = exportEncoderOnnx(weights, { layer });
const { session, executionProvider } = await createSession(model, { device: 'cpu', threads });
const input = new Float32Array(batch * 3 * size * size);
for (let i = 0; i < input.length; i++) input[i] = Math.sin(i * 0.37);
const feeds = { image: new ort.Tensor('float32', input, [batch, 3, size, size]) };

let outputDims: readonly number[] = [];
const warmStart = performance.now();
outputDims = (await session.run(feeds))[layer].dims; // warm-up: graph optimisation, allocations
const warmupMs = performance.now() - warmStart;
const batchMs: number[] = [];
for (let r = 0; r < repeats; r++) {
  const start = performance.now();
  await session.run(feeds);
  batchMs.push(performance.now() - start);
  console.error(`run ${r + 1}/${repeats}: ${(batchMs[r] / batch).toFixed(1)} ms/image`);
}
await session.release();
// Other jobs on the machine slow this down; record the load so numbers can be judged.
const loadAverage = loadavg();
const sorted = [...batchMs].sort((a, b) => a - b);
const median = sorted[Math.floor(sorted.length / 2)];

const row = {
  layer,
  executionProvider,
  threads,
  batch,
  size,
  outputDims: [...outputDims],
  warmupMsPerImage: warmupMs / batch,
  medianMsPerImage: median / batch,
  minMsPerImage: sorted[0] / batch,
  maxMsPerImage: sorted[sorted.length - 1] / batch,
  imagesPerSecond: (1000 * batch) / median,
};
console.log(`\nONNX Runtime ${ort.env.versions.common}, ResNet-50 → ${layer}, ${size}x${size}, batch ${batch}, ${threads} threads, ${repeats} timed runs after 1 warm-up (reference: ~37 ms/image, shared notes)`);
console.table([{
  layer, ep: executionProvider, threads, batch,
  'output': `[${row.outputDims.join(',')}]`,
  'median ms/image': row.medianMsPerImage.toFixed(1),
  'min ms/image': row.minMsPerImage.toFixed(1),
  'max ms/image': row.maxMsPerImage.toFixed(1),
  'images/s': row.imagesPerSecond.toFixed(1),
}]);

const out = fileURLToPath(new URL('../../results/benchmarks/onnx-resnet.json', import.meta.url));
writeJsonAtomic(out, {
  benchmark: 'onnx-resnet',
  createdAt: new Date().toISOString(),
  seed: SEED,
  onnxruntime: ort.env.versions.common,
  repeats,
  batchMs,
  runs: [row],
  loadAverage,
  machine: machineInfo(),
});
if (loadAverage[0] > machineInfo().cores) console.log(`WARNING: load average ${loadAverage[0].toFixed(1)} > ${machineInfo().cores} cores: other processes competed for the CPU; rerun on an idle machine`);
console.log(`wrote ${out}`);
