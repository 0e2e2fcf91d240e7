/**
 * Speed of one pretraining step on this machine's tfjs backend (libs/nn: threaded wasm with the
 * exact training kernels on a CPU machine):
 *   - ae-res5-64:    the MGTA auto-encoder step (Table 1 decoder from res5), 64x64, batch 16:
 *                    forward + MSE + backward + Adam over every parameter;
 *   - ae-res5-32: the same at 32x32 (the CPU presets' input size);
 *   - ae-res4-64 / ae-res4-32: the same with the decoder on res4 (what the CPU presets use);
 *   - encoder-64:    encoder only to res5 + GAP with a simple loss (mean of squares), backward + Adam.
 * Reports ms per image (median of the timed steps after one warm-up) and, for the first case,
 * where the time goes: tf.profile's per-kernel times of one step, summed by kernel name.
 *
 *   npx tsx benchmarks/src/train-step.bench.ts [--steps 3] [--cases ae-res5-64,encoder-64,...]
 *
 * Prints a table and writes results/benchmarks/train-step.json (atomically).
 */
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { machineInfo, writeJsonAtomic } from '@mgta/core';
import { initBackend } from '@mgta/nn';
import { ResNet50, type ResNet50Architecture } from '@mgta/resnet';
import { Adam, autoEncoderStep, trainableParams } from '@mgta/pretrain';

const { values: args } = parseArgs({
  options: {
    steps: { type: 'string', default: '3' },
    cases: { type: 'string', default: 'ae-res5-64,ae-res4-64,ae-res5-32,ae-res4-32,encoder-64' },
    out: { type: 'string', default: 'results/benchmarks/train-step.json' },
  },
});
const steps = Number(args.steps);

/**
 * PyTorch 1.13 (Debian), 2 threads, on this machine type, ms per image at batch 16: the
 * reference the "within 4x" is measured against (../shared/notes/tfjs-wasm-in-node.md,
 * "Speed and memory"). Not measured for the other cases.
 */
const PYTORCH_MS_PER_IMAGE: Record<string, number> = { 'ae-res5-64': 128, 'ae-res4-64': 51 };

interface Case { name: string; size: number; batch: number; architecture: ResNet50Architecture; encoderOnly: boolean }
const CASES: Record<string, Case> = {
  'ae-res5-64': { name: 'ae-res5-64', size: 64, batch: 16, architecture: { name: 'resnet50', decoder: true, decoderFrom: 'res5' }, encoderOnly: false },
  'ae-res4-64': { name: 'ae-res4-64', size: 64, batch: 16, architecture: { name: 'resnet50', decoder: true, decoderFrom: 'res4' }, encoderOnly: false },
  'ae-res5-32': { name: 'ae-res5-32', size: 32, batch: 16, architecture: { name: 'resnet50', decoder: true, decoderFrom: 'res5' }, encoderOnly: false },
  'ae-res4-32': { name: 'ae-res4-32', size: 32, batch: 16, architecture: { name: 'resnet50', decoder: true, decoderFrom: 'res4' }, encoderOnly: false },
  'encoder-64': { name: 'encoder-64', size: 64, batch: 16, architecture: { name: 'resnet50', decoder: false }, encoderOnly: true },
};

const backend = await initBackend({ prefer: 'wasm' });

function encoderStep(model: ResNet50, adam: Adam, variables: tf.Variable[], x: tf.Tensor4D): void {
  const { value, grads } = tf.variableGrads(() => tf.mean(tf.square(model.forward(x, { outputs: ['pool'], batchNorm: 'train' }).pool)) as tf.Scalar, variables);
  adam.apply(grads);
  value.dataSync();
  tf.dispose([value, ...Object.values(grads)]);
}

interface Row { case: string; size: number; batch: number; parameters: number; msPerStep: number[]; msPerImage: number; pytorchMsPerImage?: number; timesPyTorch?: number }
const rows: Row[] = [];
let profile: Array<{ kernel: string; ms: number; calls: number; share: number }> = [];

for (const name of args.cases!.split(',')) {
  const spec = CASES[name.trim()];
  if (!spec) throw new Error(`unknown case ${name} (known: ${Object.keys(CASES).join(', ')})`);
  const model = ResNet50.random(spec.architecture, 0);
  const params = trainableParams(model.namedVariables());
  if (spec.architecture.decoderFrom === 'res4') model.setTrainable('layer4', false);
  const trained = trainableParams(model.namedVariables());
  const adam = new Adam(trained, { learningRate: 1e-3 });
  const variables = [...trained.values()];
  const x = tf.randomNormal([spec.batch, spec.size, spec.size, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
  const step = () => (spec.encoderOnly ? encoderStep(model, adam, variables, x) : void autoEncoderStep(model, adam, variables, x));
  step(); // warm-up
  const times: number[] = [];
  for (let i = 0; i < steps; i++) {
    const started = performance.now();
    step();
    times.push(performance.now() - started);
  }
  const median = [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)];
  const msPerImage = Math.round((median / spec.batch) * 10) / 10;
  const pytorch = PYTORCH_MS_PER_IMAGE[spec.name];
  rows.push({
    case: spec.name, size: spec.size, batch: spec.batch, parameters: [...params.values()].reduce((s, v) => s + v.size, 0), msPerStep: times.map((t) => Math.round(t)), msPerImage,
    ...(pytorch ? { pytorchMsPerImage: pytorch, timesPyTorch: Math.round((msPerImage / pytorch) * 100) / 100 } : {}),
  });
  console.error(`${spec.name}: ${rows.at(-1)!.msPerImage} ms/image`);
  if (profile.length === 0 && !spec.encoderOnly) {
    const info = await tf.profile(() => step());
    const byKernel = new Map<string, { ms: number; calls: number }>();
    for (const kernel of info.kernels) {
      const entry = byKernel.get(kernel.name) ?? { ms: 0, calls: 0 };
      entry.ms += Number(kernel.kernelTimeMs) || 0;
      entry.calls++;
      byKernel.set(kernel.name, entry);
    }
    const total = [...byKernel.values()].reduce((s, e) => s + e.ms, 0);
    profile = [...byKernel].map(([kernel, e]) => ({ kernel, ms: Math.round(e.ms), calls: e.calls, share: Math.round((e.ms / total) * 1000) / 10 }))
      .sort((a, b) => b.ms - a.ms).slice(0, 12);
  }
  adam.dispose();
  model.dispose();
  x.dispose();
}

console.log('| case | input | batch | ms / step (timed) | ms / image | PyTorch ms / image | x PyTorch |');
console.log('|---|---|---|---|---|---|---|');
for (const r of rows) console.log(`| ${r.case} | ${r.size}x${r.size} | ${r.batch} | ${r.msPerStep.join(', ')} | ${r.msPerImage} | ${r.pytorchMsPerImage ?? '–'} | ${r.timesPyTorch ?? '–'} |`);
console.log('\nwhere the time goes (one ae step, tf.profile kernel times):');
console.log('| kernel | ms | calls | share % |');
console.log('|---|---|---|---|');
for (const p of profile) console.log(`| ${p.kernel} | ${p.ms} | ${p.calls} | ${p.share} |`);

const result = { bench: 'train-step', backend, machine: machineInfo(), steps, rows, profile, date: new Date().toISOString() };
writeJsonAtomic(args.out!, result);
console.log(JSON.stringify({ rows: rows.map(({ case: c, msPerImage }) => ({ case: c, msPerImage })) }));
process.exit(0);
