import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { ContentCache, InputError, copyFileAtomic, filesFingerprint, startProgress, writeJsonAtomic } from '@mgta/core';
import { classificationTransform, streamBatches, CLASSIFICATION_SIZE } from '@mgta/imaging';
import { appendAveragePool, createSession, type Device } from '@mgta/onnx';
import { recordedPath } from '@mgta/results-schema';
import { readImageSet, resolveYearDir } from '@mgta/voc';
import { writeNpy, readNpy } from './npy.ts';
import { GOYAL_POOLING, type AvgPoolSpec, type FeatureLayer } from './pooling.ts';
import { loadFeatureModel, type FeatureModel } from './feature-model.ts';
import { checkWritableFolder } from './writable-folder.ts';

export interface ExtractOptions {
  /** A checkpoint directory or an .onnx file. */
  model: string;
  devkit: string;
  year: string;
  split: string;
  layer: FeatureLayer;
  /** Where to copy the features (`.npy`, with `<out>.json` beside it); the cache keeps its own. */
  out?: string;
  inputSize?: number;
  batchSize?: number;
  device?: Device;
  threads?: number;
  cache?: ContentCache;
  /** Images per resumable chunk: a killed run loses at most this much work. */
  chunkImages?: number;
}

/**
 * What `<f>.json` beside a features file records, for the run that wrote it. Paths are relative
 * to the repository root (names only outside it). `executionProvider` and `threads` are those
 * of the run that computed the features: on a cache hit, an earlier run's.
 */
export interface FeatureFileMeta {
  ids: string[];
  layer: FeatureLayer;
  pooling: { kernel: number; stride: number; padding: number; countIncludePad: true };
  inputSize: number;
  transform: string;
  dimension: number;
  /**
   * `width`: the ResNet-50 width multiplier (absent in files written before widths: 1).
   * `stride1x1`: ResNet v1, stride on the 1x1 conv (absent: torchvision v1.5).
   */
  model: { path: string; sha256: string; normalization: FeatureModel['normalization']; width?: number; stride1x1?: true };
  data: { devkit: string; year: string; split: string; sha256: string };
  executionProvider: string;
  threads: number;
  /** Wall time of this run: on a cache hit, fingerprinting, lookup and copy only. */
  seconds: number;
  /** Whether this run computed the features or found them in the cache, and the entry (`<kind>/<key>` under the cache root). */
  cache: { hit: boolean; entry: string };
}

export interface ExtractResult {
  npyPath: string;
  meta: FeatureFileMeta;
  fromCache: boolean;
  /** Where this run's time went; absent when the features came from the cache (or a killed run's chunks). */
  timing?: ExtractTiming;
}

/**
 * Wall seconds of a run that computed features. Decoding (sharp, on libuv's threads) and resizing
 * (this thread) run ahead while ONNX Runtime computes, so the parts overlap: `ortSeconds` plus
 * `inputWaitSeconds` is the image loop's wall time, and `seconds` minus both is the rest
 * (model load and graph, image fingerprints, session creation, chunk and cache writes).
 */
export interface ExtractTiming {
  /** Images computed in this run (fewer than the split when a killed run left chunks). */
  images: number;
  /** The whole call, as `meta.seconds`. */
  seconds: number;
  /** Awaiting ORT's session.run, over every batch. */
  ortSeconds: number;
  /** Awaiting the next batch of decoded, resized, normalised images: the input pipeline's time that ORT did not hide. */
  inputWaitSeconds: number;
  /** This thread's time in the resize to the input size, whether or not ORT was running meanwhile. */
  resizeSeconds: number;
}

const DEFAULT_CHUNK_IMAGES = 64;

/**
 * Frozen-network features of one split: resize to 224x224 (aspect ignored), the model's own
 * pixel normalisation, the encoder up to `layer` in ONNX Runtime, Goyal's average pooling,
 * flattened to [N, D] float32. Cached by the content of model and images; resumable in chunks.
 */
export async function extractFeatures(options: ExtractOptions): Promise<ExtractResult> {
  const runStarted = Date.now();
  // Before any work: an unwritable --out used to surface only after the whole extraction.
  if (options.out) checkWritableFolder(dirname(options.out), `the folder of --out ${options.out}`);
  const inputSize = options.inputSize ?? CLASSIFICATION_SIZE;
  const yearDir = resolveYearDir(options.devkit, options.year);
  const ids = readImageSet(yearDir, options.split);
  if (ids.length === 0) {
    throw new InputError(join(yearDir, 'ImageSets', 'Main', `${options.split}.txt`), `split "${options.split}" lists no images: there is nothing to extract`);
  }
  const imagePaths = ids.map((id) => imagePathOf(yearDir, id));
  const model = await loadFeatureModel(options.model, options.layer);
  const dataSha256 = await filesFingerprint(ids, imagePaths);
  const pooling = GOYAL_POOLING[options.layer];
  const cache = options.cache ?? new ContentCache('features');
  const entryName = (inputs: Record<string, unknown>) => `${cache.kind}/${cache.keyOf(inputs)}`;
  const keyInputs = {
    model: model.sha256,
    data: dataSha256,
    layer: options.layer,
    pooling,
    inputSize,
    normalization: model.normalization,
    transform: FEATURE_TRANSFORM,
    pooledBy: FEATURE_POOLING_OP,
    // A checkpoint's sha256 is its weights', the same for v1 and v1.5; only v1 adds this, so v1.5 keys are unchanged.
    ...(model.stride1x1 === true ? { stride1x1: true } : {}),
  };

  let fromCache = true;
  const loop: ChunkTiming = { images: 0, ortSeconds: 0, inputWaitSeconds: 0, resizeSeconds: 0 };
  const entry = await cache.getOrBuild(keyInputs, async (tempDir) => {
    fromCache = false;
    const started = Date.now();
    const pooled = poolInGraph(model, pooling);
    const { session, executionProvider, threads } = await createSession(pooled, { device: options.device, threads: options.threads });
    try {
      const workDir = cache.workDirOf(keyInputs);
      const features = await runChunks({
        session, model, ids, imagePaths, inputSize, layer: options.layer, workDir,
        batchSize: options.batchSize ?? 8, chunkImages: options.chunkImages ?? DEFAULT_CHUNK_IMAGES, timing: loop,
      });
      writeNpy(join(tempDir, 'features.npy'), { dtype: 'float32', rows: ids.length, cols: features.length / Math.max(1, ids.length), data: features });
      const meta: FeatureFileMeta = {
        ids,
        layer: options.layer,
        pooling: { ...pooling, countIncludePad: true },
        inputSize,
        transform: `resize to ${inputSize}x${inputSize} ignoring aspect ratio (PIL bilinear), no crop, no flip`,
        dimension: features.length / Math.max(1, ids.length),
        model: { path: recordedPath(options.model), sha256: model.sha256, normalization: model.normalization, width: model.width, ...(model.stride1x1 === true ? { stride1x1: true } : {}) },
        data: { devkit: recordedPath(options.devkit), year: options.year, split: options.split, sha256: dataSha256 },
        executionProvider,
        threads,
        seconds: (Date.now() - started) / 1000,
        cache: { hit: false, entry: entryName(keyInputs) },
      };
      writeJsonAtomic(join(tempDir, 'features.json'), meta);
    } finally {
      await session.release();
    }
  });

  const npyPath = join(entry, 'features.npy');
  if (options.out) {
    copyFileAtomic(npyPath, options.out);
  }
  const stored = JSON.parse(readFileSync(join(entry, 'features.json'), 'utf8')) as FeatureFileMeta;
  // The entry's file describes the run that built it; the features are the same, the run is this one.
  const meta: FeatureFileMeta = {
    ...stored,
    model: { ...stored.model, path: recordedPath(options.model) },
    data: { ...stored.data, devkit: recordedPath(options.devkit), year: options.year, split: options.split },
    seconds: (Date.now() - runStarted) / 1000,
    cache: { hit: fromCache, entry: entryName(keyInputs) },
  };
  if (options.out) writeJsonAtomic(`${options.out.replace(/\.npy$/, '')}.json`, meta);
  return { npyPath: options.out ?? npyPath, meta, fromCache, ...(loop.images > 0 ? { timing: { ...loop, seconds: meta.seconds } } : {}) };
}

/** Names the resize in the cache key: a new name whenever its bytes change, so that features resized another way are never served. */
export const FEATURE_TRANSFORM = 'resize-bilinear-pil';
/** Where the Goyal pooling runs (in the cache key: float sums in another order are other bytes). */
export const FEATURE_POOLING_OP = 'onnx AveragePool';
const FEATURES_OUTPUT = 'features';

/** The model with the layer's pooling and flattening appended: its output is [N, D] features. */
function poolInGraph(model: FeatureModel, pooling: AvgPoolSpec): Uint8Array {
  return appendAveragePool(model.onnx, { input: model.outputName, output: FEATURES_OUTPUT, ...pooling });
}

function imagePathOf(yearDir: string, id: string): string {
  const path = join(yearDir, 'JPEGImages', `${id}.jpg`);
  if (!existsSync(path)) throw new InputError(path, `image of split id ${id} is missing`);
  return path;
}

interface ChunkJob {
  session: ort.InferenceSession;
  model: FeatureModel;
  ids: string[];
  imagePaths: string[];
  inputSize: number;
  layer: FeatureLayer;
  batchSize: number;
  chunkImages: number;
  workDir: string;
  /** Added to as the loop runs. */
  timing: ChunkTiming;
}

type ChunkTiming = Omit<ExtractTiming, 'seconds'>;

/**
 * Runs the images in chunks of `chunkImages`, each saved to the work folder as soon as it is
 * done, and skips chunks a previous (killed) run finished. Decoding runs ahead on libuv's
 * threads while ORT computes, so inference rarely waits for images.
 */
async function runChunks(job: ChunkJob): Promise<Float32Array> {
  const chunkCount = Math.ceil(job.ids.length / job.chunkImages);
  // The chunk size is in the name so that a rerun with another size never misreads old chunks.
  const chunkPath = (index: number) => join(job.workDir, `chunk${job.chunkImages}-${String(index).padStart(6, '0')}.npy`);
  const progress = startProgress(`extract ${job.layer}`, job.ids.length);
  const chunks: Float32Array[] = [];
  for (let index = 0; index < chunkCount; index++) {
    const start = index * job.chunkImages;
    const end = Math.min(job.ids.length, start + job.chunkImages);
    if (existsSync(chunkPath(index))) {
      chunks.push(readNpy(chunkPath(index)).data as Float32Array);
      progress.tick(end - start);
      continue;
    }
    const parts: Float32Array[] = [];
    const sources = job.ids.slice(start, end).map((id, i) => ({ id, path: job.imagePaths[start + i] }));
    const { timing } = job;
    const batches = streamBatches(sources, {
      batchSize: job.batchSize,
      transform: (image) => {
        const begun = performance.now();
        const resized = classificationTransform(image, job.inputSize);
        timing.resizeSeconds += (performance.now() - begun) / 1000;
        return resized;
      },
      normalization: job.model.normalization,
      concurrency: job.batchSize * 2,
    });
    try {
      for (;;) {
        const waited = performance.now();
        const next = await batches.next();
        timing.inputWaitSeconds += (performance.now() - waited) / 1000;
        if (next.done) break;
        const batch = next.value;
        const input = new ort.Tensor('float32', batch.tensor, batch.shape);
        const ran = performance.now();
        const outputs = await job.session.run({ [job.model.inputName]: input });
        timing.ortSeconds += (performance.now() - ran) / 1000;
        timing.images += batch.ids.length;
        const features = outputs[FEATURES_OUTPUT];
        if (!features || features.dims.length !== 2 || features.dims[0] !== batch.ids.length) {
          throw new InputError(job.model.path, `the pooled ${job.layer} features came back as [${features?.dims.join(', ')}], not [${batch.ids.length}, D]`);
        }
        parts.push((features.data as Float32Array).slice());
        input.dispose?.();
        for (const output of Object.values(outputs)) output.dispose?.();
        progress.tick(batch.ids.length);
      }
    } finally {
      await batches.return(undefined); // as for-await does on an early exit
    }
    const chunk = concat(parts);
    checkFinite(chunk, job.model.path);
    writeNpy(chunkPath(index), { dtype: 'float32', rows: end - start, cols: chunk.length / (end - start), data: chunk });
    chunks.push(chunk);
  }
  progress.stop();
  const features = concat(chunks);
  rmSync(job.workDir, { recursive: true, force: true });
  return features;
}

function concat(parts: Float32Array[]): Float32Array {
  const total = parts.reduce((sum, part) => sum + part.length, 0);
  const result = new Float32Array(total);
  let offset = 0;
  for (const part of parts) {
    result.set(part, offset);
    offset += part.length;
  }
  return result;
}

function checkFinite(values: Float32Array, modelPath: string): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) throw new InputError(modelPath, `the model produced a non-finite feature value (${values[i]})`);
  }
}

