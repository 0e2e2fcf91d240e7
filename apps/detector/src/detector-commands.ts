/**
 * `mgta det train|export|infer|eval`: thin commands over @mgta/detection (the voc-det bench in
 * benchmarks/src/voc-det.ts runs the whole protocol for every model).
 */
import { join } from 'node:path';
import { resolveModelPath } from '@mgta/checkpoint-import';
import { refuseToOverwriteInput } from '@mgta/results-schema';
import { InputError, writeFileAtomic, writeJsonAtomic } from '@mgta/core';
import {
  bodyFeatures, disposeHeadWeights, divergenceText, evaluateDet, exportDetectorOnnx, float16Scale, formatScale, inferSplitOnnx, loadDetSplit, loadDetectorHeads, parseDetectionPreset, protocolForModel,
  readVariables, runKey, saveDetectorHeads, trainDetector, trainEntries, type DetectorProtocol, type TrainEntry,
} from '@mgta/detection';
import type { Normalization } from '@mgta/imaging';
import { initBackend } from '@mgta/nn';
import { DEVICES, createSession, exportEncoderOnnx, type Device } from '@mgta/onnx';
import { loadPreset } from '@mgta/presets';
import { STRIDE_1X1_LABEL, featureChannels, loadCheckpoint, stride1x1Of, widthOf } from '@mgta/resnet';
import { COCO_STYLE_IOU_THRESHOLDS, evaluateDetectionsAtThresholds } from '@mgta/voc-eval';

// The command definitions live in commands.ts (cheap to load); they import this file when a det command runs.
export { registerDetectorCommands } from './commands.ts';

const positiveInt = (flag: string, value: string | undefined): number | undefined => {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InputError(flag, `must be a positive integer, got "${value}"`);
  return n;
};
const device = (value: string): Device => {
  if (!DEVICES.includes(value as Device)) throw new InputError('--device', `must be one of ${DEVICES.join(', ')}, got "${value}"`);
  return value as Device;
};

export interface DetTrainOptions { preset: string; model: string; devkit: string; column: string; out: string; cache: boolean; stopAfter?: string; threads?: string }

/** Trains the heads on VOC07 trainval ("07") or VOC07+12 trainval ("07+12"); resumable (state under <out>/work). */
export async function runDetTrain(options: DetTrainOptions): Promise<void> {
  if (options.column !== '07' && options.column !== '07+12') throw new InputError('--column', 'must be 07 or 07+12');
  const threads = positiveInt('--threads', options.threads);
  await initBackend({ prefer: 'wasm', threads });
  const preset = loadPreset(options.preset);
  const checkpoint = await loadCheckpoint(await resolveModelPath(options.model));
  const train07 = loadDetSplit(options.devkit, '2007', 'trainval');
  // ResNet v1 (stride on the 1x1 conv): the body, the res5 head, the run key and the saved heads follow the model.
  const protocol = protocolForModel(parseDetectionPreset(preset.detection, preset.name, train07.classes.length + 1), checkpoint.manifest.architecture);
  const stride1x1 = stride1x1Of(checkpoint.manifest.architecture);
  const normalization = checkpoint.manifest.pixelNormalization as Normalization;
  const { session } = await createSession(exportEncoderOnnx(checkpoint.weights, { layer: 'res4', stride1x1 }), { device: 'cpu', threads });
  const common = { body: { session, normalization, channels: featureChannels('res4', widthOf(checkpoint.manifest.architecture)), stride1x1 }, geometry: { scale: protocol.scale, maxSize: protocol.maxSize }, modelSha256: checkpoint.manifest.weightsSha256, cache: options.cache, model: options.model };
  const splits = options.column === '07' ? [train07] : [train07, loadDetSplit(options.devkit, '2012', 'trainval', train07.classes)];
  const entries: TrainEntry[] = [];
  const maps: Uint16Array[] = [];
  for (const split of splits) {
    const images = [...split.images, ...(protocol.flip ? split.images.map((image) => ({ ...image, flipped: true })) : [])];
    const { set } = await bodyFeatures(images, { ...common, sizes: [...split.sizes, ...split.sizes], label: `body ${split.year}` });
    entries.push(...trainEntries(set, split));
    maps.push(set.data);
  }
  await session.release();
  process.stdout.write(`body res4 maps: ${formatScale(float16Scale(maps))}\n`);
  const schedule = protocol.schedules[options.column];
  const key = runKey({ protocol, schedule, entries: entries.length, pretrainedSha256: checkpoint.manifest.weightsSha256 });
  const outcome = await trainDetector({ protocol, schedule, entries, pretrained: checkpoint.weights, workDir: join(options.out, 'work'), stopAfter: positiveInt('--stop-after', options.stopAfter) }, key);
  if (outcome.features.res5HeadInput.count > 0) process.stdout.write(`res5 head input ${formatScale(outcome.features.res5HeadInput)}, pooled res5 ${formatScale(outcome.features.res5Pooled)} (iterations run now)\n`);
  if (outcome.status === 'diverged') {
    process.stdout.write(`diverged at iteration ${outcome.iteration} (a NaN/inf loss; reported as '-'): ${divergenceText(outcome.divergence)}\n`);
  } else if (outcome.status === 'stopped') {
    process.stdout.write(`stopped after iteration ${outcome.iteration}; rerun to resume\n`);
  } else {
    saveDetectorHeads(join(options.out, 'heads'), outcome.weights, { protocol, column: options.column, modelDir: options.model, modelSha256: checkpoint.manifest.weightsSha256, normalization });
    process.stdout.write(`trained ${outcome.iteration} iterations in ${outcome.seconds.toFixed(1)} s; heads in ${join(options.out, 'heads')}, loss curve ${join(options.out, 'work', 'loss.jsonl')}\n`);
  }
  disposeHeadWeights(outcome.weights);
}

async function loadTrained(model: string, heads: string): Promise<{ protocol: DetectorProtocol; normalization: Normalization; checkpoint: Awaited<ReturnType<typeof loadCheckpoint>>; loaded: ReturnType<typeof loadDetectorHeads> }> {
  const checkpoint = await loadCheckpoint(await resolveModelPath(model));
  const loaded = loadDetectorHeads(heads);
  if (loaded.meta.modelSha256 !== checkpoint.manifest.weightsSha256) throw new InputError(heads, `was trained on another model (weights sha256 ${String(loaded.meta.modelSha256)})`);
  // Same weights, other stride placement (ResNet v1 vs v1.5) is another model too.
  const headsV1 = (loaded.meta.protocol as DetectorProtocol).stride1x1 === true;
  if (headsV1 !== stride1x1Of(checkpoint.manifest.architecture)) {
    const variant = (v1: boolean): string => (v1 ? `ResNet ${STRIDE_1X1_LABEL}` : 'torchvision v1.5');
    throw new InputError(heads, `was trained on the ${variant(headsV1)} body of these weights, but ${model} is ${variant(!headsV1)} (architecture.stride1x1)`);
  }
  return { protocol: loaded.meta.protocol as DetectorProtocol, normalization: checkpoint.manifest.pixelNormalization as Normalization, checkpoint, loaded };
}

/** Writes the whole detector as one ONNX model. */
export async function runDetExport(options: { model: string; heads: string; out: string }): Promise<void> {
  await initBackend({ prefer: 'wasm', log: false });
  const { protocol, checkpoint, loaded } = await loadTrained(options.model, options.heads);
  const bytes = exportDetectorOnnx({ body: checkpoint.weights, heads: { trainable: readVariables(loaded.weights.trainable), frozen: readVariables(loaded.weights.frozen) }, protocol });
  writeFileAtomic(options.out, bytes);
  disposeHeadWeights(loaded.weights);
  process.stdout.write(`wrote ${options.out} (${(bytes.length / 2 ** 20).toFixed(1)} MiB)\n`);
}

/** Runs the detector with ORT over a split and writes comp4_det_<split>_<cls>.txt. */
export async function runDetInfer(options: { model: string; heads: string; devkit: string; year: string; split: string; out: string; device: string; threads?: string }): Promise<void> {
  await initBackend({ prefer: 'wasm', log: false });
  const { protocol, normalization, checkpoint, loaded } = await loadTrained(options.model, options.heads);
  const split = loadDetSplit(options.devkit, options.year, options.split);
  const result = await inferSplitOnnx({ body: checkpoint.weights, heads: loaded.weights, protocol, normalization, split, device: device(options.device), threads: positiveInt('--threads', options.threads), resultsDir: options.out });
  disposeHeadWeights(loaded.weights);
  const evaluated = evaluateDet(split, result.rows);
  process.stdout.write(`${split.ids.length} images, ${result.msPerImage.toFixed(1)} ms/image (${result.executionProvider}, ${result.threads} threads); VOC07 mAP ${pct(evaluated.evaluation.map07)}; results in ${options.out}\n`);
}

/** VOC07 11-point mAP at IoU 0.5 + area AP at 0.5, 0.75 and 0.5:0.95 of comp4 files. */
export function runDetEval(options: { devkit: string; year: string; split: string; results: string; json?: string }): void {
  if (options.json !== undefined) refuseToOverwriteInput('--json', options.json, { folders: [options.results, options.devkit] });
  const results = evaluateDetectionsAtThresholds({ devkit: options.devkit, year: options.year, split: options.split, resultsDir: options.results }, COCO_STYLE_IOU_THRESHOLDS);
  const maps = results.map((r) => r.map);
  const summary = {
    map07: results[0].map07, ap50: maps[0], ap75: maps[5],
    apMean50to95: maps.every((m) => m !== null) ? (maps as number[]).reduce((a, b) => a + b, 0) / maps.length : null,
    evaluation: results[0],
  };
  process.stdout.write(`VOC07 11-point mAP ${pct(summary.map07)} | AP50 ${pct(summary.ap50)} | AP75 ${pct(summary.ap75)} | AP ${pct(summary.apMean50to95)}\n`);
  if (options.json) writeJsonAtomic(options.json, summary);
}

const pct = (v: number | null): string => (v === null ? 'n/a' : (100 * v).toFixed(1));
