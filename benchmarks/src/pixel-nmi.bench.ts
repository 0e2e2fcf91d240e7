/**
 * Do Fashion-VOC's pretraining images show their classes? k-means (k = 10, the project's own
 * @mgta/pretrain k-means) on RAW PIXELS of the pretraining images, downscaled (PIL bilinear, as the
 * pretraining loader does) to --size (default 32) grey and RGB, scored by NMI and purity against
 * the hidden labels, plus leave-one-out 1-NN accuracy on the same pixels. No network is involved:
 * if raw pixels cluster by class, a network has a signal to find; if they sit at NMI ~0 (nuisance
 * factors dominate), every model, even a supervised one, has little to learn from --n images.
 * Reference row: the plain 28x28 Fashion-MNIST items.
 *
 *   npx tsx benchmarks/src/pixel-nmi.bench.ts [--preset ci] [--n 1500] [--size 32] [--seed 0]
 *     [--variants fashion-mnist,today,preset,...] [--data <fashion-voc dir>] [--no-scenes] [--out pixel-nmi.json]
 *
 * Variants are the preset's `data` section with some settings replaced (VARIANTS below; `today` =
 * every nuisance setting at its built-in default, i.e. the generator before presets could set
 * them; `preset` = the preset as written). Images are rendered in memory with the generator's own
 * code and random streams, one rendering per item (with renderingsPerItem 1, image i of a variant is
 * image i that make-fashion-voc writes for it, for i below the preset's pretraining image count).
 * Items: the preset's pretraining items, then items no scene of the preset uses, never a scene item
 * (design choices must not look at test scenes; the scene table below reads trainval splits only).
 * Third table: the pretraining objects' sizes, to set against the scene objects'.
 *
 * Second table (unless --no-scenes): the preset's trainval scenes (VOC2007 trainval + VOC2012
 * trainval) from --data, or generated into a temporary folder: objects, `difficult` ones, object
 * size (sqrt of box area) in the classification input (scene squashed to 224x224) and at the
 * detection scale (preset `detection.scale` / `maxSize`), and how well the detector's anchors
 * (`detection.anchorSizes`, Detectron's ratios 0.5/1/2 at stride 16, border-crossing anchors
 * dropped as RPN_STRADDLE_THRESH 0 does) cover them: best anchor IoU per object.
 *
 * Prints the tables and writes results/benchmarks/<out> (atomically).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { InputError, Random, machineInfo, writeJsonAtomic } from '@mgta/core';
import { DETECTRON_C4_PROTOCOL, generateBaseAnchors, insideAnchorIndices, iouMatrix, shiftedAnchors } from '@mgta/detection';
import { FASHION_MNIST_CLASSES, loadFashionMnist } from '@mgta/fashion-mnist';
import {
  ALPHA_FULL_INTENSITY, ALPHA_ZERO_INTENSITY, DIFFICULT_MAX_BOX_FRACTION, MASK_ALPHA, PRETRAIN_MAX_ITEM_SCALE, PRETRAIN_MAX_OUTSIDE_OFFSET, PRETRAIN_MIN_ITEM_SCALE,
  assignItems, composePretrainImage, makeFashionVoc, planDataset, resolveAppearance,
} from '@mgta/fashion-voc';
import { DETECTRON_DEFAULT_MAX_SIZE, DETECTRON_DEFAULT_SCALE, detectionScale, resizeBilinearPil } from '@mgta/imaging';
import { kmeans, normalizedMutualInformation, purity } from '@mgta/pretrain';
import { loadPreset, type FashionVocDataPreset } from '@mgta/presets';
import { loadVocSplit } from '@mgta/voc';

type Data = FashionVocDataPreset;

/** A variant: the preset's data section with some settings changed. */
interface Variant {
  description: string;
  change: (data: Data) => void;
}

/** Every nuisance setting back to its built-in default. */
const toDefaults = (data: Data): void => {
  delete data.appearance;
  for (const key of ['itemScale', 'maxOutsideOffset', 'maxCentreShift'] as const) delete data.pretrain[key];
};

const VARIANTS: Record<string, Variant> = {
  today: { description: 'built-in defaults (the generator before presets set nuisances)', change: toDefaults },
  preset: { description: 'the preset as written', change: () => undefined },
  'today-centred-large': {
    description: 'built-in look, items 0.7-0.9, none outside',
    change: (data) => { toDefaults(data); Object.assign(data.pretrain, { itemScale: [0.7, 0.9], maxOutsideOffset: 0 }); },
  },
  'dark-plain': {
    description: 'dark plain background, built-in tints, items 0.7-0.9, none outside (issue 11)',
    change: (data) => {
      toDefaults(data);
      data.appearance = { background: { textures: ['plain'], saturation: [0, 0.3], brightness: [0.05, 0.25], noise: 4 } };
      Object.assign(data.pretrain, { itemScale: [0.7, 0.9], maxOutsideOffset: 0 });
    },
  },
  'preset-shift-0.1': { description: 'the preset, item centre within 10% of the side', change: (data) => { data.pretrain.maxCentreShift = 0.1; } },
  'preset-no-shift-limit': { description: 'the preset, item anywhere (only the outside offset limits it)', change: (data) => { delete data.pretrain.maxCentreShift; } },
  'preset-builtin-tints': { description: 'the preset with the built-in tints (saturation 0.45-1, value 0.7-1)', change: (data) => { delete data.appearance?.tint; } },
  'preset-wider': {
    description: 'the preset, plus plain backgrounds, background value 0.05-0.35, tint saturation 0.1-0.6 and value 0.75-1',
    change: (data) => {
      data.appearance = {
        background: { ...data.appearance?.background, textures: ['noise', 'stripes', 'gradient', 'plain'], brightness: [0.05, 0.35] },
        tint: { saturation: [0.1, 0.6], brightness: [0.75, 1] },
      };
    },
  },
};

const { values: args } = parseArgs({
  options: {
    preset: { type: 'string', default: 'ci' },
    n: { type: 'string', default: '1500' },
    size: { type: 'string', default: '32' },
    seed: { type: 'string', default: '0' },
    k: { type: 'string', default: '10' },
    variants: { type: 'string', default: ['fashion-mnist', ...Object.keys(VARIANTS)].join(',') },
    data: { type: 'string' },
    'no-scenes': { type: 'boolean', default: false },
    threads: { type: 'string', default: '1' },
    out: { type: 'string', default: 'pixel-nmi.json' },
  },
});
const n = Number(args.n), size = Number(args.size), seed = Number(args.seed), k = Number(args.k), threads = Number(args.threads);
const preset = loadPreset(args.preset!);
if (preset.data.source !== 'fashion-voc') throw new InputError(args.preset!, 'pixel-nmi needs a fashion-voc preset');
const data = preset.data;
const set = loadFashionMnist();

/** The preset's pretraining items, then items no scene of the preset uses. */
function measurementItems(): number[] {
  const plan = planDataset(data, seed);
  const assignment = assignItems(plan, set.count, seed);
  const used = new Set([...assignment.pretrain, ...[...assignment.scenes.values()].flat()]);
  const permutation = new Random(seed).fork(1).shuffle(Array.from({ length: set.count }, (_, i) => i));
  const items = [...assignment.pretrain, ...permutation.filter((i) => !used.has(i))];
  if (items.length < n) throw new InputError('--n', `the preset leaves ${items.length} items outside its scenes, fewer than ${n}`);
  return items.slice(0, n);
}

function variantData(variant: Variant): Data {
  const out: Data = structuredClone(data);
  variant.change(out);
  return out;
}

interface Features { grey: Float32Array; rgb: Float32Array }

/** Rendered like make-fashion-voc's image i (same random stream), downscaled to size x size. */
function pretrainFeatures(variantData: Data, items: number[]): Features {
  const grey = new Float32Array(items.length * size * size);
  const rgb = new Float32Array(items.length * size * size * 3);
  const rng = new Random(seed).fork(3);
  const appearance = resolveAppearance(variantData.appearance);
  const scale = variantData.pretrain.itemScale ?? [PRETRAIN_MIN_ITEM_SCALE, PRETRAIN_MAX_ITEM_SCALE];
  const outside = variantData.pretrain.maxOutsideOffset ?? PRETRAIN_MAX_OUTSIDE_OFFSET;
  const shift = variantData.pretrain.maxCentreShift ?? Infinity;
  items.forEach((item, i) => {
    const image = composePretrainImage(rng.fork(i), set, item, variantData.pretrain.size, scale, outside, appearance, shift);
    const small = resizeBilinearPil(image, size, size).data;
    for (let p = 0; p < size * size; p++) {
      const [r, g, b] = [small[p * 3], small[p * 3 + 1], small[p * 3 + 2]];
      grey[i * size * size + p] = (0.299 * r + 0.587 * g + 0.114 * b) / 255;
      for (let c = 0; c < 3; c++) rgb[(i * size * size + p) * 3 + c] = small[p * 3 + c] / 255;
    }
  });
  return { grey, rgb };
}

/** The plain 28x28 items (grey; "rgb" repeats the grey). */
function mnistFeatures(items: number[]): Features {
  const d = set.rows * set.cols;
  const grey = new Float32Array(items.length * d);
  items.forEach((item, i) => { for (let p = 0; p < d; p++) grey[i * d + p] = set.images[item * d + p] / 255; });
  return { grey, rgb: grey };
}

/** Leave-one-out 1-NN accuracy (squared Euclidean). */
function oneNearestNeighbour(x: Float32Array, rows: number, d: number, labels: ArrayLike<number>): number {
  const norms = new Float64Array(rows);
  for (let i = 0; i < rows; i++) { let s = 0; for (let j = 0; j < d; j++) s += x[i * d + j] ** 2; norms[i] = s; }
  const best = new Float64Array(rows).fill(Infinity);
  const nearest = new Int32Array(rows).fill(-1);
  for (let i = 0; i < rows; i++) {
    for (let j = i + 1; j < rows; j++) {
      let dot = 0;
      for (let c = 0; c < d; c++) dot += x[i * d + c] * x[j * d + c];
      const dist = norms[i] + norms[j] - 2 * dot;
      if (dist < best[i]) { best[i] = dist; nearest[i] = j; }
      if (dist < best[j]) { best[j] = dist; nearest[j] = i; }
    }
  }
  let correct = 0;
  for (let i = 0; i < rows; i++) if (labels[nearest[i]] === labels[i]) correct++;
  return correct / rows;
}

interface Scores { nmi: number; purity: number; oneNn: number }
async function score(x: Float32Array, d: number, labels: Int32Array): Promise<Scores> {
  const result = await kmeans(x, labels.length, d, { k, seed, restarts: 3, threads });
  return { nmi: normalizedMutualInformation(result.labels, labels), purity: purity(result.labels, labels), oneNn: oneNearestNeighbour(x, labels.length, d, labels) };
}

const items = measurementItems();
const labels = Int32Array.from(items, (i) => set.labels[i]);
interface Row { variant: string; description: string; settings: unknown; grey: Scores; rgb: Scores; seconds: number }
const rows: Row[] = [];
for (const name of args.variants!.split(',').map((s) => s.trim())) {
  const started = performance.now();
  let features: Features, d: number, settings: unknown, description: string;
  if (name === 'fashion-mnist') {
    features = mnistFeatures(items);
    d = set.rows * set.cols;
    settings = null;
    description = 'plain 28x28 Fashion-MNIST items (reference)';
  } else {
    const variant = VARIANTS[name];
    if (!variant) throw new InputError('--variants', `unknown variant "${name}" (known: fashion-mnist, ${Object.keys(VARIANTS).join(', ')})`);
    const vd = variantData(variant);
    features = pretrainFeatures(vd, items);
    d = size * size;
    settings = { appearance: vd.appearance ?? null, itemScale: vd.pretrain.itemScale ?? null, maxOutsideOffset: vd.pretrain.maxOutsideOffset ?? null, maxCentreShift: vd.pretrain.maxCentreShift ?? null };
    description = variant.description;
  }
  const grey = await score(features.grey, d, labels);
  const rgb = name === 'fashion-mnist' ? grey : await score(features.rgb, d * 3, labels);
  rows.push({ variant: name, description, settings, grey, rgb, seconds: (performance.now() - started) / 1000 });
  console.error(`${name}: grey NMI ${grey.nmi.toFixed(3)}, rgb NMI ${rgb.nmi.toFixed(3)} (${rows.at(-1)!.seconds.toFixed(1)} s)`);
}

console.log(`\nRaw-pixel k-means (k=${k}) on ${n} pretraining images of preset ${preset.name}, ${size}x${size} (Fashion-MNIST row: 28x28), seed ${seed}`);
console.table(rows.map((r) => ({
  variant: r.variant,
  'NMI grey': r.grey.nmi.toFixed(3),
  'NMI rgb': r.rgb.nmi.toFixed(3),
  'purity grey': r.grey.purity.toFixed(3),
  '1-NN grey': r.grey.oneNn.toFixed(3),
  '1-NN rgb': r.rgb.oneNn.toFixed(3),
  description: r.description,
})));

/** Percentiles of a sample. */
function quantiles(values: number[], qs = [0, 0.05, 0.25, 0.5, 0.75, 0.95, 1]): Record<string, number> {
  const sorted = [...values].sort((a, b) => a - b);
  return Object.fromEntries(qs.map((q) => [`p${Math.round(q * 100)}`, sorted.length ? sorted[Math.min(sorted.length - 1, Math.round(q * (sorted.length - 1)))] : NaN]));
}

const rounded = (row: Record<string, number>, digits: number): Record<string, string> =>
  Object.fromEntries(Object.entries(row).map(([key, value]) => [key, value.toFixed(digits)]));

async function sceneTable() {
  const detection = (preset.detection ?? {}) as { anchorSizes?: number[]; scale?: number; maxSize?: number };
  const anchorSizes = detection.anchorSizes ?? DETECTRON_C4_PROTOCOL.anchorSizes;
  const shortSide = detection.scale ?? DETECTRON_DEFAULT_SCALE;
  const maxSize = detection.maxSize ?? DETECTRON_DEFAULT_MAX_SIZE;
  const { featureStride: stride, anchorAspectRatios: ratios } = DETECTRON_C4_PROTOCOL;
  const cellAnchors = generateBaseAnchors(stride, anchorSizes, ratios);
  let root = args.data;
  const temp = root === undefined ? mkdtempSync(join(tmpdir(), 'pixel-nmi-')) : undefined;
  if (temp) {
    root = join(temp, 'data');
    await makeFashionVoc({ out: root, presetName: preset.name, data, seed });
  }
  try {
    const at224: number[] = [], atDetection: number[] = [], bestIou: number[] = [];
    let objects = 0, difficult = 0, tiny = 0, occluded = 0;
    const perClass = new Map<string, { objects: number; difficult: number }>();
    for (const [year, split] of [['2007', 'trainval'], ['2012', 'trainval']] as const) {
      const loaded = loadVocSplit({ devkit: join(root!, 'VOCdevkit'), year, split });
      for (const annotation of loaded.annotations.values()) {
        const { width, height } = annotation.size;
        const s = detectionScale(width, height, shortSide, maxSize);
        const w = Math.round(width * s), h = Math.round(height * s);
        const anchors = shiftedAnchors(cellAnchors, Math.ceil(h / stride), Math.ceil(w / stride), stride);
        const inside = insideAnchorIndices(anchors, { width: w, height: h }, DETECTRON_C4_PROTOCOL.rpnStraddleThresh);
        const kept = new Float32Array(inside.length * 4);
        inside.forEach((a, i) => kept.set(anchors.subarray(a * 4, a * 4 + 4), i * 4));
        for (const object of annotation.objects) {
          objects++;
          const bw = object.bbox.xmax - object.bbox.xmin + 1, bh = object.bbox.ymax - object.bbox.ymin + 1;
          const isTiny = bw * bh < DIFFICULT_MAX_BOX_FRACTION * width * height;
          tiny += Number(isTiny);
          difficult += Number(object.difficult);
          occluded += Number(object.difficult && !isTiny);
          const c = perClass.get(object.name) ?? { objects: 0, difficult: 0 };
          c.objects++;
          c.difficult += Number(object.difficult);
          perClass.set(object.name, c);
          at224.push(Math.sqrt(((bw * 224) / width) * ((bh * 224) / height)));
          atDetection.push(Math.sqrt(bw * bh) * s);
          const box = Float32Array.from([(object.bbox.xmin - 1) * s, (object.bbox.ymin - 1) * s, (object.bbox.xmax - 1) * s, (object.bbox.ymax - 1) * s]);
          const ious = iouMatrix(box, kept);
          bestIou.push(ious.reduce((m, v) => Math.max(m, v), 0));
        }
      }
    }
    const summary = {
      splits: 'VOC2007 trainval + VOC2012 trainval',
      scenes: data.scenes,
      detection: { anchorSizes, scale: shortSide, maxSize, stride, ratios },
      objects,
      difficult,
      difficultTiny: tiny,
      difficultOccludedOnly: occluded,
      difficultByClass: Object.fromEntries(FASHION_MNIST_CLASSES.map((name) => [name, perClass.get(name) ?? { objects: 0, difficult: 0 }])),
      sqrtBoxAreaAt224: quantiles(at224),
      sqrtBoxAreaAtDetectionScale: quantiles(atDetection),
      bestAnchorIou: quantiles(bestIou),
      bestAnchorIouAtLeast07: bestIou.filter((v) => v >= 0.7).length / objects,
      bestAnchorIouAtLeast05: bestIou.filter((v) => v >= 0.5).length / objects,
      bestAnchorIouBelow03: bestIou.filter((v) => v < 0.3).length / objects,
    };
    console.log(`\nTrainval scenes of preset ${preset.name} (${summary.splits}): ${objects} objects, ${difficult} difficult ` +
      `(${tiny} with box < ${DIFFICULT_MAX_BOX_FRACTION * 100}% of the image, ${occluded} only for occlusion)`);
    console.table({
      'sqrt(box area) at 224x224': rounded(summary.sqrtBoxAreaAt224, 1),
      [`sqrt(box area) at detection scale ${shortSide}`]: rounded(summary.sqrtBoxAreaAtDetectionScale, 1),
      [`best anchor IoU (anchors ${anchorSizes.join('/')})`]: rounded(summary.bestAnchorIou, 2),
    });
    console.log(`objects whose best anchor has IoU >= 0.7: ${(100 * summary.bestAnchorIouAtLeast07).toFixed(1)}%, >= 0.5: ` +
      `${(100 * summary.bestAnchorIouAtLeast05).toFixed(1)}%, < 0.3: ${(100 * summary.bestAnchorIouBelow03).toFixed(1)}% ` +
      '(each object still gets its best anchor as a positive, rpn.py)');
    return summary;
  } finally {
    if (temp) rmSync(temp, { recursive: true, force: true });
  }
}

/**
 * Pretraining object sizes of the preset, to set against the scene objects: sqrt of the item's box
 * area in pixels of the pretraining image (size x size), the box approximated as the item's 28x28
 * mask box (intensity at half opacity) scaled to the drawn side, which is the generator's first draw.
 */
function pretrainObjectSizes(): Record<string, number> {
  const scale = data.pretrain.itemScale ?? [PRETRAIN_MIN_ITEM_SCALE, PRETRAIN_MAX_ITEM_SCALE];
  const rng = new Random(seed).fork(3);
  const threshold = ALPHA_ZERO_INTENSITY + MASK_ALPHA * (ALPHA_FULL_INTENSITY - ALPHA_ZERO_INTENSITY);
  const sizes = items.map((item, i) => {
    const side = Math.round(rng.fork(i).uniform(scale[0], scale[1]) * data.pretrain.size);
    let x0 = set.cols, x1 = -1, y0 = set.rows, y1 = -1;
    for (let y = 0; y < set.rows; y++) {
      for (let x = 0; x < set.cols; x++) {
        if (set.images[item * set.rows * set.cols + y * set.cols + x] < threshold) continue;
        x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y);
      }
    }
    return x1 < 0 ? 0 : (Math.sqrt((x1 - x0 + 1) * (y1 - y0 + 1)) / set.cols) * side;
  });
  return quantiles(sizes);
}

const pretrainSizes = pretrainObjectSizes();
console.log(`\nPretraining objects of preset ${preset.name}: sqrt(box area) at ${data.pretrain.size}x${data.pretrain.size} (approximate, from the 28x28 mask box)`);
console.table({ [`pretraining, at ${data.pretrain.size}x${data.pretrain.size}`]: rounded(pretrainSizes, 1) });
const scenes = args['no-scenes'] ? null : await sceneTable();

const out = isAbsolute(args.out!) ? args.out! : fileURLToPath(new URL(`../../results/benchmarks/${args.out}`, import.meta.url));
writeJsonAtomic(out, {
  benchmark: 'pixel-nmi',
  createdAt: new Date().toISOString(),
  preset: preset.name,
  seed,
  n,
  size,
  k,
  items: 'the preset\'s pretraining items, then items outside every scene pool of the preset',
  variants: rows,
  pretrainSqrtBoxArea: pretrainSizes,
  scenes,
  machine: machineInfo(),
});
console.log(`wrote ${out}`);
