import { mkdirSync, readdirSync, readFileSync, existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import sharp from 'sharp';
import { InputError, Random, hashJson, sha256, sha256File, writeFileAtomic, writeJsonAtomic } from '@mgta/core';
import { FASHION_MNIST_CLASSES, loadFashionMnist, type FashionMnist } from '@mgta/fashion-mnist';
import type { RgbImage } from '@mgta/imaging';
import type { FashionVocDataPreset } from '@mgta/presets';
import { writeVocYear, type VocAnnotation } from '@mgta/voc';
import { assignItems, holdoutItems, planDataset, type YearPlan } from './plan.ts';
import { PRETRAIN_MAX_ITEM_SCALE, PRETRAIN_MAX_OUTSIDE_OFFSET, PRETRAIN_MIN_ITEM_SCALE, tintClasses, tintClassName } from './rules.ts';
import { composePretrainImage, composeScene } from './scene.ts';
import { resolveAppearance } from './texture.ts';

/** Bump when a change to the generator changes its output for the same preset and seed. */
export const GENERATOR_VERSION = 1;
export const MANIFEST_FILE = 'manifest.json';
/** `sha256sum -c`-compatible list of every file but the manifest; the fingerprint is its sha256. */
export const CHECKSUMS_FILE = 'SHA256SUMS';
/** `pretrain/holdout.txt`: the held-out pretraining images, one `images/NNNNNN.<ext>` per line, sorted. */
export const HOLDOUT_FILE = 'holdout.txt';

export interface FashionVocManifest {
  generator: '@mgta/fashion-voc';
  generatorVersion: number;
  preset: string;
  seed: number;
  data: FashionVocDataPreset;
  source: { dataset: 'fashion-mnist'; items: number; files: Array<{ name: string; sha256: string }> };
  /** hashJson of everything above: two requests with the same key produce the same files. */
  requestKey: string;
  counts: {
    itemsUsed: number;
    pretrain: number;
    /** Only when the preset sets them: distinct pretraining items (renderingsPerItem > 1) and held-out images. */
    pretrainItems?: number;
    pretrainHoldout?: number;
    /** Only with `scenes.reuseItems`: distinct items behind all images (itemsUsed counts every draw). */
    itemsDistinct?: number;
    years: Record<string, { images: number; objects: number; difficult: number; truncated: number; splits: Record<string, number> }>;
  };
  files: number;
  /** sha256 of SHA256SUMS, i.e. over every written file's path and hash: the cache key for later stages. */
  fingerprint: string;
}

export interface MakeOptions {
  out: string;
  presetName: string;
  data: FashionVocDataPreset;
  seed: number;
  /** Full Fashion-MNIST folder (train + t10k); default: the shipped 10k, or the system copy if more are needed. */
  fashionMnistDir?: string;
  /** Replace an existing, different data set at `out`. */
  force?: boolean;
  /** Called once with the total, then after every image. */
  onProgress?: (done: number, total: number) => void;
}

export interface MakeResult {
  status: 'created' | 'replaced' | 'unchanged';
  manifest: FashionVocManifest;
}

/** Images being encoded at once (sharp encodes on libuv threads while we render the next). */
const ENCODE_CONCURRENCY = 8;

/**
 * Generates the Fashion-VOC data set at `out`: `pretrain/`, `VOCdevkit/VOC2007`, `VOCdevkit/VOC2012`,
 * `items.txt`, `SHA256SUMS`, `manifest.json`. Everything is written to a sibling staging folder and
 * renamed into place at the end, so `out` is never half-written. If `out` already holds the data set
 * this request would produce (same manifest request key, files intact), nothing is done.
 */
export async function makeFashionVoc(options: MakeOptions): Promise<MakeResult> {
  const { out, data, seed } = options;
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new InputError('--seed', `must be an integer in [0, 2^32), got ${seed}`);
  const plan = planDataset(data, seed);
  const set = loadFashionMnist({ dir: options.fashionMnistDir, minItems: plan.itemsRequired });
  if (set.count < plan.itemsRequired) {
    throw new InputError(options.fashionMnistDir ?? 'fashion-mnist', `the preset needs ${plan.itemsRequired} items, the set holds ${set.count}`);
  }
  const request = {
    generator: '@mgta/fashion-voc' as const,
    generatorVersion: GENERATOR_VERSION,
    preset: options.presetName,
    seed,
    data,
    source: { dataset: 'fashion-mnist' as const, items: set.count, files: set.sources },
  };
  const requestKey = hashJson(request);

  const existing = existingState(out, requestKey);
  if (existing.kind === 'same') return { status: 'unchanged', manifest: existing.manifest };
  if (existing.kind !== 'absent' && !options.force) {
    throw new InputError(out, `${existing.reason}; pass --force to replace it`);
  }

  const staging = `${out}.partial-${process.pid}-${Date.now().toString(36)}`;
  rmSync(staging, { recursive: true, force: true });
  try {
    const counts = await writeDataset(staging, set, plan, data, seed, options.onProgress);
    const { files, fingerprint } = await writeChecksums(staging);
    const manifest: FashionVocManifest = { ...request, requestKey, counts, files, fingerprint };
    writeJsonAtomic(join(staging, MANIFEST_FILE), manifest);
    if (existing.kind !== 'absent') {
      const old = `${out}.old-${process.pid}-${Date.now().toString(36)}`;
      renameSync(out, old);
      renameSync(staging, out);
      rmSync(old, { recursive: true, force: true });
      return { status: 'replaced', manifest };
    }
    renameSync(staging, out);
    return { status: 'created', manifest };
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
}

type Existing =
  | { kind: 'absent' }
  | { kind: 'same'; manifest: FashionVocManifest }
  | { kind: 'different'; reason: string };

function existingState(out: string, requestKey: string): Existing {
  if (!existsSync(out)) return { kind: 'absent' };
  if (!statSync(out).isDirectory()) return { kind: 'different', reason: 'exists and is not a folder' };
  const manifestPath = join(out, MANIFEST_FILE);
  if (!existsSync(manifestPath)) {
    return readdirSync(out).length === 0 ? { kind: 'different', reason: 'exists (empty)' } : { kind: 'different', reason: 'exists and is not a Fashion-VOC data set (no manifest.json)' };
  }
  let manifest: FashionVocManifest;
  try {
    manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  } catch {
    return { kind: 'different', reason: 'holds an unreadable manifest.json' };
  }
  if (manifest.requestKey !== requestKey) {
    return { kind: 'different', reason: `holds a different data set (preset "${manifest.preset}", seed ${manifest.seed}, generator version ${manifest.generatorVersion})` };
  }
  const sums = join(out, CHECKSUMS_FILE);
  if (!existsSync(sums) || sha256(readFileSync(sums)) !== manifest.fingerprint) {
    return { kind: 'different', reason: `holds this data set but its ${CHECKSUMS_FILE} does not match the manifest's fingerprint` };
  }
  return { kind: 'same', manifest };
}

async function writeDataset(
  root: string,
  set: FashionMnist,
  plan: ReturnType<typeof planDataset>,
  data: FashionVocDataPreset,
  seed: number,
  onProgress: MakeOptions['onProgress'],
): Promise<FashionVocManifest['counts']> {
  const assignment = assignItems(plan, set.count, seed);
  const total = plan.pretrainImages + plan.years.reduce((sum, year) => sum + year.ids.length, 0);
  let done = 0;
  onProgress?.(0, total);
  const inFlight = new Set<Promise<void>>();
  const save = async (path: string, image: RgbImage, format: 'png' | 'jpeg', quality: number): Promise<void> => {
    const job = encode(image, format, quality).then((bytes) => writeFile(path, bytes)).then(() => {
      inFlight.delete(job);
      onProgress?.(++done, total);
    });
    inFlight.add(job);
    if (inFlight.size >= ENCODE_CONCURRENCY) await Promise.race(inFlight);
  };
  const itemLines: string[] = [];

  // Pretraining images.
  const pretrainDir = join(root, 'pretrain', 'images');
  mkdirSync(pretrainDir, { recursive: true });
  const pretrainRng = new Random(seed).fork(3);
  const extension = data.pretrain.format === 'png' ? 'png' : 'jpg';
  const appearance = resolveAppearance(data.appearance);
  const itemScale = data.pretrain.itemScale ?? [PRETRAIN_MIN_ITEM_SCALE, PRETRAIN_MAX_ITEM_SCALE];
  const maxOutside = data.pretrain.maxOutsideOffset ?? PRETRAIN_MAX_OUTSIDE_OFFSET;
  const maxCentreShift = data.pretrain.maxCentreShift ?? Infinity;
  const heldOut = new Set(holdoutItems(plan.pretrainItems, data.pretrain.holdoutFraction ?? 0, seed));
  const labelLines: string[] = [];
  const holdoutLines: string[] = [];
  for (let i = 0; i < plan.pretrainImages; i++) {
    const position = Math.floor(i / plan.renderingsPerItem);
    const item = assignment.pretrain[position];
    const image = composePretrainImage(pretrainRng.fork(i), set, item, data.pretrain.size, itemScale, maxOutside, appearance, maxCentreShift);
    const file = `images/${String(i).padStart(6, '0')}.${extension}`;
    labelLines.push(`${file} ${FASHION_MNIST_CLASSES[set.labels[item]]}\n`);
    itemLines.push(`pretrain ${file} ${item}\n`);
    if (heldOut.has(position)) holdoutLines.push(`${file}\n`);
    await save(join(root, 'pretrain', file), image, data.pretrain.format, data.scenes.jpegQuality);
  }
  writeFileAtomic(join(root, 'pretrain', 'labels.txt'), labelLines.join(''));
  // Image names are zero-padded indices, so image order is already sorted order.
  if (heldOut.size > 0) writeFileAtomic(join(root, 'pretrain', HOLDOUT_FILE), holdoutLines.join(''));

  // Scenes, one VOC<year> folder each.
  const years: FashionVocManifest['counts']['years'] = {};
  const { sizes, classesByTint } = data.scenes;
  const classes = classesByTint ? tintClasses(FASHION_MNIST_CLASSES) : [...FASHION_MNIST_CLASSES];
  for (const year of plan.years) {
    const yearDir = join(root, 'VOCdevkit', `VOC${year.year}`);
    mkdirSync(join(yearDir, 'JPEGImages'), { recursive: true });
    const rng = new Random(seed).fork(year.year === '2007' ? 4 : 5);
    const annotations: VocAnnotation[] = [];
    for (let i = 0; i < year.ids.length; i++) {
      const id = year.ids[i];
      const sceneRng = rng.fork(i);
      const [width, height] = sizes !== undefined
        ? sizes[sceneRng.int(sizes.length)]
        : [data.scenes.minSize + sceneRng.int(data.scenes.maxSize - data.scenes.minSize + 1), data.scenes.minSize + sceneRng.int(data.scenes.maxSize - data.scenes.minSize + 1)];
      const items = assignment.scenes.get(`${year.year}/${id}`)!;
      const scene = composeScene(sceneRng, set, items, { width, height, minItemScale: data.scenes.minItemScale, maxItemScale: data.scenes.maxItemScale, appearance });
      itemLines.push(`VOC${year.year} ${id} ${items.join(' ')}\n`);
      annotations.push({
        id,
        filename: `${id}.jpg`,
        size: { width, height, depth: 3 },
        segmented: false,
        objects: scene.objects.map((object) => ({
          name: classesByTint ? tintClassName(FASHION_MNIST_CLASSES[object.label], object.tintHue) : FASHION_MNIST_CLASSES[object.label],
          bbox: object.bbox,
          difficult: object.difficult,
          truncated: object.truncated,
          pose: 'Unspecified',
        })),
      });
      await save(join(yearDir, 'JPEGImages', `${id}.jpg`), scene.image, 'jpeg', data.scenes.jpegQuality);
    }
    writeVocYear(yearDir, { classes, annotations, splits: year.splits }, { durable: false });
    years[`VOC${year.year}`] = yearCounts(year, annotations);
  }
  await Promise.all(inFlight);
  writeFileAtomic(join(root, 'items.txt'), itemLines.join(''));
  const itemsUsed = assignment.pretrain.length + [...assignment.scenes.values()].reduce((sum, items) => sum + items.length, 0);
  const itemsDistinct = () => new Set([...assignment.pretrain, ...[...assignment.scenes.values()].flat()]).size;
  return {
    itemsUsed,
    pretrain: plan.pretrainImages,
    ...(plan.renderingsPerItem > 1 ? { pretrainItems: plan.pretrainItems } : {}),
    ...(heldOut.size > 0 ? { pretrainHoldout: holdoutLines.length } : {}),
    ...(plan.reuseItems ? { itemsDistinct: itemsDistinct() } : {}),
    years,
  };
}

function yearCounts(year: YearPlan, annotations: VocAnnotation[]) {
  const objects = annotations.flatMap((a) => a.objects);
  return {
    images: annotations.length,
    objects: objects.length,
    difficult: objects.filter((o) => o.difficult).length,
    truncated: objects.filter((o) => o.truncated).length,
    splits: Object.fromEntries(Object.entries(year.splits).map(([split, ids]) => [split, ids.length])),
  };
}

/** sharp's encoders are deterministic for the same pixels and options (checked by the determinism test). */
async function encode(image: RgbImage, format: 'png' | 'jpeg', quality: number): Promise<Buffer> {
  const input = sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } });
  return format === 'png' ? input.png({ compressionLevel: 9 }).toBuffer() : input.jpeg({ quality, chromaSubsampling: '4:2:0' }).toBuffer();
}

function listFiles(dir: string, root = dir): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...listFiles(path, root));
    else files.push(relative(root, path));
  }
  return files;
}

async function writeChecksums(root: string): Promise<{ files: number; fingerprint: string }> {
  const files = listFiles(root).filter((f) => f !== MANIFEST_FILE && f !== CHECKSUMS_FILE).sort();
  const lines: string[] = [];
  for (const file of files) lines.push(`${await sha256File(join(root, file))}  ${file}\n`);
  const text = lines.join('');
  writeFileAtomic(join(root, CHECKSUMS_FILE), text);
  return { files: files.length, fingerprint: sha256(text) };
}
