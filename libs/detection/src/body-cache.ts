import { existsSync, mkdirSync, readFileSync, statfsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { ContentCache, InputError, filesFingerprint, startProgress, writeJsonAtomic } from '@mgta/core';
import { decodeImage, detectionScale, detectionTransform, flipImage, normalize, type Normalization } from '@mgta/imaging';
import { FLOAT16_MAX, firstNonFiniteHalf, float16Overflow } from './feature-stats.ts';
import { float16ToFloat32Array, float32ToFloat16Array } from './float16.ts';
import type { FeatureMap } from './roi-pool.ts';

/** res4 of ResNet-50: 1024 channels (1024·width at a width multiplier), stride 16. */
export const BODY_CHANNELS = 1024;
export const BODY_STRIDE = 16;
export const BODY_CACHE_KIND = 'det-body';

/** One image to run through the frozen body. */
export interface BodyImage {
  id: string;
  /** JPEG/PNG path. */
  path: string;
  /** Mirror left-right before resizing (Detectron's flipped roidb entries go through the body too). */
  flipped: boolean;
}

/** Where one image's map lies in the set, and the geometry it was computed at. */
export interface BodyMapInfo {
  id: string;
  flipped: boolean;
  /** Original image size. */
  imageWidth: number;
  imageHeight: number;
  /** Network input size (after detectionTransform) and the scale used. */
  inputWidth: number;
  inputHeight: number;
  scale: number;
  /** res4 map size. */
  height: number;
  width: number;
  /** Offset in halves into the set's data. */
  offset: number;
}

export interface BodyGeometry {
  /** Short side S (TRAIN.SCALES / TEST.SCALE). */
  scale: number;
  /** Long side bound M (MAX_SIZE). */
  maxSize: number;
}

/** Frozen-body res4 maps of a list of images, float16, channels last. */
export class BodyFeatureSet {
  constructor(readonly maps: BodyMapInfo[], readonly data: Uint16Array, readonly channels = BODY_CHANNELS) {}

  get size(): number {
    return this.maps.length;
  }

  /** Map `index` as float32 HWC (a fresh array). */
  featureMap(index: number): FeatureMap {
    const info = this.maps[index];
    const count = info.height * info.width * this.channels;
    const data = float16ToFloat32Array(this.data.subarray(info.offset, info.offset + count));
    return { data, height: info.height, width: info.width, channels: this.channels };
  }

  bytes(): number {
    return this.data.byteLength;
  }
}

/** A res4 session: the exported encoder (exportEncoderOnnx(weights, { layer: 'res4', stride1x1 })). */
export interface BodySession {
  session: ort.InferenceSession;
  normalization: Normalization;
  /** res4 channels, 1024·width; default BODY_CHANNELS (used for the disk-space estimate). */
  channels?: number;
  /**
   * The session was exported as ResNet v1 (stride on the 1x1 conv, the checkpoint's
   * architecture.stride1x1). Part of the cache key: v1 and v1.5 of the same weights give
   * different maps under one weights sha256.
   */
  stride1x1?: boolean;
}

/** Resizes, normalises and runs one image through the body; returns its HWC float32 map and geometry. */
export async function computeBodyMap(body: BodySession, image: BodyImage, geometry: BodyGeometry): Promise<{ map: FeatureMap; info: Omit<BodyMapInfo, 'offset'> }> {
  let rgb = await decodeImage(image.path);
  const imageWidth = rgb.width, imageHeight = rgb.height;
  if (image.flipped) rgb = flipImage(rgb);
  const { image: resized, scale } = detectionTransform(rgb, geometry.scale, geometry.maxSize);
  const input = normalize(resized, body.normalization);
  const feeds = { image: new ort.Tensor('float32', input, [1, 3, resized.height, resized.width]) };
  const output = (await body.session.run(feeds)).res4;
  const [, channels, height, width] = output.dims as number[];
  const nchw = output.data as Float32Array;
  const hwc = new Float32Array(nchw.length);
  const plane = height * width;
  for (let c = 0; c < channels; c++) for (let p = 0; p < plane; p++) hwc[p * channels + c] = nchw[c * plane + p];
  return {
    map: { data: hwc, height, width, channels },
    info: { id: image.id, flipped: image.flipped, imageWidth, imageHeight, inputWidth: resized.width, inputHeight: resized.height, scale, height, width },
  };
}

/** Bytes the float16 maps of these image sizes take (a bound used for the free-space check). */
export function estimateBodyBytes(sizes: ReadonlyArray<{ width: number; height: number }>, geometry: BodyGeometry, channels = BODY_CHANNELS): number {
  let total = 0;
  for (const { width, height } of sizes) {
    const scale = detectionScale(width, height, geometry.scale, geometry.maxSize);
    total += (Math.ceil((height * scale) / BODY_STRIDE) + 1) * (Math.ceil((width * scale) / BODY_STRIDE) + 1) * channels * 2;
  }
  return total;
}

/** Throws a clear InputError when the cache folder's file system has less than `bytes` free (+10%). */
export function checkFreeDisk(dir: string, bytes: number): void {
  let probe = dir;
  while (!existsSync(probe)) probe = join(probe, '..');
  const stats = statfsSync(probe);
  const free = Number(stats.bavail) * Number(stats.bsize);
  if (free < bytes * 1.1) {
    throw new InputError(dir, `the body-feature cache needs about ${gib(bytes)} GiB but only ${gib(free)} GiB are free there; ` +
      'free space, point MGTA_CACHE_DIR elsewhere, or run with --no-cache (the body is then recomputed in memory)');
  }
}

const gib = (bytes: number): string => (bytes / 2 ** 30).toFixed(2);

/** sha256 over the images' ids, orientations and file contents, in order: the dataset half of a cache key. */
export function imagesFingerprint(images: readonly BodyImage[]): Promise<string> {
  return filesFingerprint(images.map((image) => `${image.id}${image.flipped ? ' flipped' : ''}`), images.map((image) => image.path));
}

export interface BodyFeatureOptions {
  body: BodySession;
  geometry: BodyGeometry;
  /** Checkpoint weights sha256: the model half of the cache key. */
  modelSha256: string;
  /** false: compute in memory only (`--no-cache`). Default true. */
  cache?: boolean;
  cacheRoot?: string;
  /** Image sizes for the free-space estimate (original pixels). */
  sizes?: ReadonlyArray<{ width: number; height: number }>;
  label?: string;
  /** The model's name, for error messages (default: its weights sha256). */
  model?: string;
}

/**
 * Refuses a res4 map that float16 cannot hold: values beyond FLOAT16_MAX would be stored as Inf
 * and show up later as a NaN loss, i.e. as a 'diverged' model, hiding the cause.
 */
export function checkBodyMapFitsFloat16(data: Float32Array, model: string, image: BodyImage): void {
  const { maxAbs, nonFinite, overflow } = float16Overflow(data);
  if (nonFinite === 0 && overflow === 0) return;
  const which = `image ${image.id}${image.flipped ? ' (flipped)' : ''}`;
  if (nonFinite > 0) {
    throw new InputError(model, `the body's res4 features of ${which} are not finite (${nonFinite} NaN/Inf values in its float32 output): the model itself gives non-finite activations`);
  }
  throw new InputError(model, `the body's res4 features of ${which} overflow float16 (max |value| ${maxAbs.toExponential(3)} > ${FLOAT16_MAX}, ${overflow} values): ` +
    'body maps are stored as float16, in memory too (--no-cache does not change that), where they would become Inf; ' +
    'the model\'s res4 activations are far from unit scale (e.g. frozen BN statistics that do not fit these inputs)');
}

/**
 * The body maps of `images`, from the content-addressed cache when present (key: model weights
 * sha256, ResNet v1 when so, image fingerprints incl. orientation, scale, max size, layer, dtype, normalisation),
 * else computed through ORT and stored there.
 */
export async function bodyFeatures(images: readonly BodyImage[], options: BodyFeatureOptions): Promise<{ set: BodyFeatureSet; cached: boolean; seconds: number }> {
  const started = performance.now();
  const inputs = {
    modelSha256: options.modelSha256,
    images: await imagesFingerprint(images),
    scale: options.geometry.scale,
    maxSize: options.geometry.maxSize,
    layer: 'res4',
    dtype: 'float16',
    normalization: options.body.normalization,
    // Only for v1, so that every v1.5 key (and its cached maps) stays what it was.
    ...(options.body.stride1x1 === true ? { stride1x1: true } : {}),
  };
  const compute = async (): Promise<BodyFeatureSet> => {
    const progress = startProgress(options.label ?? 'body res4', images.length);
    const chunks: Uint16Array[] = [];
    const maps: BodyMapInfo[] = [];
    let offset = 0;
    let channels = options.body.channels ?? BODY_CHANNELS;
    for (const [i, image] of images.entries()) {
      const { map, info } = await computeBodyMap(options.body, image, options.geometry);
      checkBodyMapFitsFloat16(map.data, options.model ?? `model ${options.modelSha256.slice(0, 12)}`, image);
      // The maps' own channel count (1024·width): the set is read back with it.
      if (i === 0) channels = map.channels;
      else if (map.channels !== channels) throw new Error(`body map of ${image.id} has ${map.channels} channels, the others ${channels}`);
      chunks.push(float32ToFloat16Array(map.data));
      maps.push({ ...info, offset });
      offset += map.data.length;
      progress.tick();
    }
    progress.stop();
    const data = new Uint16Array(offset);
    let at = 0;
    for (const chunk of chunks) { data.set(chunk, at); at += chunk.length; }
    return new BodyFeatureSet(maps, data, channels);
  };
  if (options.cache === false) return { set: await compute(), cached: false, seconds: (performance.now() - started) / 1000 };
  const cache = new ContentCache(BODY_CACHE_KIND, options.cacheRoot);
  const existing = cache.lookup(inputs);
  if (existing) {
    const set = readBodySet(existing);
    const bad = firstNonFiniteHalf(set.data);
    if (bad >= 0) {
      const info = [...set.maps].reverse().find((m) => m.offset <= bad)!;
      throw new InputError(existing, `cached body maps of ${options.model ?? `model ${options.modelSha256.slice(0, 12)}`} hold Inf/NaN (first in image ${info.id}${info.flipped ? ' (flipped)' : ''}): ` +
        'written before non-finite maps were refused, most likely res4 features that overflow float16; delete this cache entry to recompute (and see the error then)');
    }
    return { set, cached: true, seconds: (performance.now() - started) / 1000 };
  }
  if (options.sizes) {
    mkdirSync(cache.root, { recursive: true });
    checkFreeDisk(cache.root, estimateBodyBytes(options.sizes, options.geometry, options.body.channels));
  }
  let built: BodyFeatureSet | undefined;
  await cache.getOrBuild(inputs, async (dir) => {
    built = await compute();
    writeFileSync(join(dir, 'maps.f16'), new Uint8Array(built.data.buffer, built.data.byteOffset, built.data.byteLength));
    writeJsonAtomic(join(dir, 'maps.json'), { channels: built.channels, maps: built.maps });
  });
  return { set: built!, cached: false, seconds: (performance.now() - started) / 1000 };
}

function readBodySet(dir: string): BodyFeatureSet {
  const index = JSON.parse(readFileSync(join(dir, 'maps.json'), 'utf8')) as { channels: number; maps: BodyMapInfo[] };
  const bytes = readFileSync(join(dir, 'maps.f16'));
  const data = new Uint16Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  return new BodyFeatureSet(index.maps, data, index.channels);
}
