/**
 * Conv kernels of ResNet-50 at 64x64 input, batch 16, on tfjs-wasm: forward, backprop-input
 * and backprop-filter with @mgta/nn's kernels against the stock wasm ones (wasm has no
 * stock backprop-filter), with 1 and 2 threads (each thread count in its own process: the
 * wasm module cannot be re-created with another pool). Prints a table and writes
 * results/benchmarks/nn-kernels.json.
 *
 *   npx tsx benchmarks/src/nn-kernels.bench.ts [--threads 1,2] [--min-ms 400]
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { machineInfo, writeJsonAtomic } from '@mgta/core';
import { initBackend, stockWasmKernel } from '@mgta/nn';

interface Shape { name: string; x: [number, number, number, number]; k: number; co: number; stride: number; pad: number }
const SHAPES: Shape[] = [
  { name: 'conv1 7x7/2', x: [16, 64, 64, 3], k: 7, co: 64, stride: 2, pad: 3 },
  { name: 'layer1 3x3', x: [16, 16, 16, 64], k: 3, co: 64, stride: 1, pad: 1 },
  { name: 'layer2 3x3/2', x: [16, 16, 16, 128], k: 3, co: 128, stride: 2, pad: 1 },
  { name: 'layer2 3x3', x: [16, 8, 8, 128], k: 3, co: 128, stride: 1, pad: 1 },
  { name: 'layer3 3x3', x: [16, 4, 4, 256], k: 3, co: 256, stride: 1, pad: 1 },
  { name: 'layer1 1x1 256->64', x: [16, 16, 16, 256], k: 1, co: 64, stride: 1, pad: 0 },
  { name: 'layer2 1x1/2 down', x: [16, 16, 16, 256], k: 1, co: 512, stride: 2, pad: 0 },
];

interface Row { shape: string; threads: number; op: string; impl: string; ms: number; gflops: number }

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

/** Median ms of fn (which returns a tensor), repeated for at least minMs after one warm-up. */
function time(fn: () => tf.Tensor, minMs: number): number {
  tf.tidy(() => void fn().dataSync());
  const samples: number[] = [];
  const start = performance.now();
  while (samples.length < 3 || (performance.now() - start < minMs && samples.length < 20)) {
    const t0 = performance.now();
    tf.tidy(() => void fn().dataSync());
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)]!;
}

async function child(threads: number, minMs: number): Promise<Row[]> {
  const info = await initBackend({ prefer: 'wasm', threads, log: false });
  if (info.name !== 'wasm') throw new Error(`expected wasm, got ${info.name}`);
  const rows: Row[] = [];
  const stockInput = stockWasmKernel('Conv2DBackpropInput');
  for (const s of SHAPES) {
    const [n, h, w, ci] = s.x;
    const x = tf.randomNormal(s.x) as tf.Tensor4D;
    const f = tf.randomNormal([s.k, s.k, ci, s.co]) as tf.Tensor4D;
    const y = tf.conv2d(x, f, s.stride, s.pad as unknown as 'same');
    const dy = tf.randomNormal(y.shape) as tf.Tensor4D;
    const [, ho, wo] = y.shape;
    const gflop = (2 * n * ho * wo * s.k * s.k * ci * s.co) / 1e9;
    const attrs = { strides: s.stride, pad: s.pad, dataFormat: 'NHWC' };
    const a = (extra: object) => ({ ...attrs, ...extra }) as unknown as tf.NamedAttrMap;
    const add = (op: string, impl: string, ms: number) =>
      rows.push({ shape: s.name, threads: info.threads, op, impl, ms: +ms.toFixed(2), gflops: +(gflop / (ms / 1e3)).toFixed(2) });
    add('forward', 'stock', time(() => tf.conv2d(x, f, s.stride, s.pad as unknown as 'same'), minMs));
    add('backprop-input', 'mgta', time(() => tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: f }, a({ inputShape: s.x })) as tf.Tensor, minMs));
    if (stockInput) {
      add('backprop-input', 'stock', time(() => tf.engine().makeTensorFromTensorInfo(
        stockInput({ inputs: { dy, filter: f }, attrs: a({ inputShape: s.x }), backend: tf.backend() }) as tf.TensorInfo,
      ), minMs));
    }
    add('backprop-filter', 'mgta', time(() => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, a({ filterShape: f.shape })) as tf.Tensor, minMs));
    tf.dispose([x, f, y, dy]);
    void h; void w;
  }
  return rows;
}

async function main(): Promise<void> {
  const minMs = Number(arg('min-ms', '400'));
  if (process.argv.includes('--child')) {
    const rows = await child(Number(arg('threads', '1')), minMs);
    process.stdout.write('ROWS ' + JSON.stringify(rows) + '\n');
    process.exit(0);
  }
  const rows: Row[] = [];
  for (const threads of arg('threads', '1,2').split(',').map(Number)) {
    const res = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--child', '--threads', String(threads), '--min-ms', String(minMs)], {
      encoding: 'utf8', maxBuffer: 1 << 26, env: { ...process.env, MGTA_BACKEND: '' },
    });
    const line = res.stdout.split('\n').find((l) => l.startsWith('ROWS '));
    if (!line) throw new Error(`child (threads ${threads}) failed:\n${res.stderr}`);
    rows.push(...(JSON.parse(line.slice(5)) as Row[]));
  }
  console.log('ResNet-50 conv kernels, 64x64 input, batch 16, tfjs-wasm (ms median, GFLOP/s)');
  console.table(rows);
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
  const out = path.join(root, 'results', 'benchmarks', 'nn-kernels.json');
  writeJsonAtomic(out, { benchmark: 'nn-kernels', date: new Date().toISOString(), machine: machineInfo(), rows });
  console.log(`wrote ${out}`);
}

await main();
