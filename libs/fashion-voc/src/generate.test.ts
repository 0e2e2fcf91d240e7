import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FASHION_MNIST_CLASSES, loadFashionMnist } from '@mgta/fashion-mnist';
import { decodeImage } from '@mgta/imaging';
import type { FashionVocDataPreset } from '@mgta/presets';
import { classLabelFor, loadVocSplit, readClassLabels, validateVocYear } from '@mgta/voc';
import { HOLDOUT_FILE, makeFashionVoc, type MakeResult } from './generate.ts';
import { tintClasses } from './rules.ts';

/** Small enough to generate in about a second, big enough to hold difficult and truncated objects. */
const TINY: FashionVocDataPreset = {
  source: 'fashion-voc',
  pretrain: { images: 24, size: 32, format: 'png' },
  scenes: { minSize: 64, maxSize: 80, maxItems: 4, minItemScale: 0.2, maxItemScale: 0.6, jpegQuality: 90 },
  voc2007: { trainval: 20, test: 20, valFraction: 0.5 },
  voc2012: { trainval: 10, valFraction: 0.5 },
};
const SPLITS = { '2007': ['train', 'val', 'trainval', 'test'], '2012': ['train', 'val', 'trainval'] };

/**
 * TINY at seed 7 as the generator wrote it before presets could set nuisances (appearance, item
 * scale and place, renderings, hold-out): fingerprint and request key computed with that code
 * (commit 0a966c0). A preset that sets none of them must still give exactly these files. (The
 * fingerprint also depends on sharp's PNG/JPEG encoders: a sharp upgrade that changes them would
 * change it too, together with every other data set's.)
 */
const TINY_SEED7_FINGERPRINT = 'e8e728b06c682a467fcd6d48c02b5539dbff4487815bb92bc188658119da5452';
const TINY_SEED7_REQUEST_KEY = 'caadf5d1bbd366c9ab607cbe597cb92c264336bd6a839184a92811dcc6561e7d';

/** TINY with every new setting spelt out at its default value: the same files, another request key. */
const TINY_EXPLICIT_DEFAULTS: FashionVocDataPreset = {
  ...TINY,
  pretrain: { ...TINY.pretrain, itemScale: [0.55, 0.95], maxOutsideOffset: 0.1, maxCentreShift: 0.5, renderingsPerItem: 1, holdoutFraction: 0 },
  appearance: {
    background: { textures: ['noise', 'stripes', 'gradient'], saturation: [0, 0.5], brightness: [0.2, 0.85], contrast: 1, noise: 12 },
    tint: { saturation: [0.45, 1], brightness: [0.7, 1] },
  },
};

/** 60 images of 20 items (3 renderings each), 10% of the items held out, the nuisances set. */
const TINY_RENDERINGS: FashionVocDataPreset = {
  ...TINY,
  pretrain: { ...TINY.pretrain, images: 60, itemScale: [0.5, 0.9], maxOutsideOffset: 0.05, maxCentreShift: 0.05, renderingsPerItem: 3, holdoutFraction: 0.1 },
  appearance: { background: { saturation: [0, 0.3], brightness: [0.05, 0.3], contrast: 0.3, noise: 6 }, tint: { saturation: [0.1, 0.5], brightness: [0.8, 1] } },
};

let root: string;
let first: MakeResult;
const dir = (name: string): string => join(root, name);
const read = (name: string, file: string): string => readFileSync(join(dir(name), file), 'utf8');

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'fashion-voc-'));
  first = await makeFashionVoc({ out: dir('a'), presetName: 'tiny', data: TINY, seed: 7 });
  await makeFashionVoc({ out: dir('b'), presetName: 'tiny', data: TINY, seed: 7 });
  await makeFashionVoc({ out: dir('c'), presetName: 'tiny', data: TINY, seed: 8 });
  more = mkdtempSync(join(tmpdir(), 'fashion-voc-more-'));
});

/** Data sets of the tests below, outside `root` (whose listing one test checks). */
let more: string;
const moreDir = (name: string): string => join(more, name);
const readMore = (name: string, file: string): string => readFileSync(join(moreDir(name), file), 'utf8');

const pretrainItems = (text: string): Map<string, number> => new Map(text.trim().split('\n').filter((l) => l.startsWith('pretrain ')).map((l) => {
  const [, file, item] = l.split(' ');
  return [file, Number(item)];
}));

describe('makeFashionVoc', () => {
  it('is deterministic: the same seed gives byte-identical files, another seed different ones', () => {
    expect(first.status).toBe('created');
    expect(read('a', 'SHA256SUMS')).toBe(read('b', 'SHA256SUMS'));
    expect(read('a', 'manifest.json')).toBe(read('b', 'manifest.json'));
    const c = JSON.parse(read('c', 'manifest.json'));
    expect(c.fingerprint).not.toBe(first.manifest.fingerprint);
    // Every file listed in SHA256SUMS differs except the class list (same classes).
    const sumsA = new Map(read('a', 'SHA256SUMS').trim().split('\n').map((l) => l.split('  ').reverse() as [string, string]));
    const sumsC = new Map(read('c', 'SHA256SUMS').trim().split('\n').map((l) => l.split('  ').reverse() as [string, string]));
    expect(sumsA.get('VOCdevkit/VOC2007/JPEGImages/000001.jpg')).not.toBe(sumsC.get('VOCdevkit/VOC2007/JPEGImages/000001.jpg'));
    expect(sumsA.get('VOCdevkit/VOC2007/classes.txt')).toBe(sumsC.get('VOCdevkit/VOC2007/classes.txt'));
  });

  it('writes the manifest: counts, source hashes, fingerprint over every file', () => {
    const m = first.manifest;
    expect(m.preset).toBe('tiny');
    expect(m.seed).toBe(7);
    expect(m.source.files.map((f) => f.name)).toEqual(['t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte']);
    expect(m.counts.pretrain).toBe(24);
    expect(m.counts.years.VOC2007.splits).toEqual({ train: 10, val: 10, trainval: 20, test: 20 });
    expect(m.counts.years.VOC2012.images).toBe(10);
    // 24 pretrain images + labels.txt + items.txt + per year: images, annotations, classes.txt,
    // one <split>.txt and 10 <cls>_<split>.txt per split.
    const expected = 24 + 2 + (40 * 2 + 1 + 4 * 11) + (10 * 2 + 1 + 3 * 11);
    expect(m.files).toBe(expected);
    expect(read('a', 'SHA256SUMS').trim().split('\n')).toHaveLength(expected);
  });

  it('draws pretraining, VOC2007 trainval, VOC2007 test and VOC2012 items from disjoint sets', () => {
    const pools = new Map<string, number[]>();
    const test = new Set(read('a', 'VOCdevkit/VOC2007/ImageSets/Main/test.txt').trim().split('\n'));
    for (const line of read('a', 'items.txt').trim().split('\n')) {
      const [set, id, ...items] = line.split(' ');
      const pool = set === 'VOC2007' ? (test.has(id) ? 'voc2007-test' : 'voc2007-trainval') : set;
      pools.set(pool, [...(pools.get(pool) ?? []), ...items.map(Number)]);
    }
    expect([...pools.keys()].sort()).toEqual(['VOC2012', 'pretrain', 'voc2007-test', 'voc2007-trainval']);
    const all = [...pools.values()].flat();
    expect(new Set(all).size).toBe(all.length);
    expect(all.length).toBe(first.manifest.counts.itemsUsed);
  });

  it('labels pretraining images with their item\'s class', () => {
    const set = loadFashionMnist();
    const items = new Map(read('a', 'items.txt').trim().split('\n').filter((l) => l.startsWith('pretrain ')).map((l) => {
      const [, file, item] = l.split(' ');
      return [file, Number(item)];
    }));
    const lines = read('a', 'pretrain/labels.txt').trim().split('\n');
    expect(lines).toHaveLength(24);
    for (const line of lines) {
      const [file, name] = line.split(' ');
      expect(name).toBe(FASHION_MNIST_CLASSES[set.labels[items.get(file)!]]);
      expect(existsSync(join(dir('a'), 'pretrain', file))).toBe(true);
    }
  });

  it('round-trips through libs/voc: valid devkit, label files agree with annotations, boxes inside images', async () => {
    let difficult = 0, truncated = 0;
    for (const [year, splits] of Object.entries(SPLITS)) {
      const devkit = join(dir('a'), 'VOCdevkit');
      expect(validateVocYear({ devkit, year })).toEqual([]);
      for (const split of splits) {
        const loaded = loadVocSplit({ devkit, year, split });
        expect(loaded.classes).toEqual([...FASHION_MNIST_CLASSES]);
        for (const className of loaded.classes) {
          for (const { id, label } of readClassLabels(loaded.yearDir, className, split)) {
            expect(label).toBe(classLabelFor(loaded.annotations.get(id)!, className));
          }
        }
        if (split !== 'trainval') continue;
      }
      const all = loadVocSplit({ devkit, year, split: year === '2007' ? 'trainval' : 'trainval' });
      const test = year === '2007' ? loadVocSplit({ devkit, year, split: 'test' }) : undefined;
      const annotations = [...all.annotations.values(), ...(test?.annotations.values() ?? [])];
      for (const annotation of annotations) {
        const image = await decodeImage(join(all.yearDir, 'JPEGImages', annotation.filename));
        expect([image.width, image.height]).toEqual([annotation.size.width, annotation.size.height]);
        expect(annotation.objects.length).toBeGreaterThan(0);
        for (const { bbox, difficult: d, truncated: t } of annotation.objects) {
          expect(bbox.xmin).toBeGreaterThanOrEqual(1);
          expect(bbox.ymin).toBeGreaterThanOrEqual(1);
          expect(bbox.xmax).toBeLessThanOrEqual(image.width);
          expect(bbox.ymax).toBeLessThanOrEqual(image.height);
          expect(bbox.xmin).toBeLessThanOrEqual(bbox.xmax);
          expect(bbox.ymin).toBeLessThanOrEqual(bbox.ymax);
          if (t) expect(bbox.xmin === 1 || bbox.ymin === 1 || bbox.xmax === image.width || bbox.ymax === image.height).toBe(true);
          difficult += Number(d);
          truncated += Number(t);
        }
      }
    }
    expect(difficult).toBeGreaterThan(0);
    expect(truncated).toBeGreaterThan(0);
  });

  it('skips an identical request, refuses a different one without force, replaces it with force', async () => {
    const again = await makeFashionVoc({ out: dir('a'), presetName: 'tiny', data: TINY, seed: 7 });
    expect(again.status).toBe('unchanged');
    await expect(makeFashionVoc({ out: dir('b'), presetName: 'tiny', data: TINY, seed: 9 }))
      .rejects.toThrow(/holds a different data set \(preset "tiny", seed 7, generator version 1\); pass --force/);
    const replaced = await makeFashionVoc({ out: dir('b'), presetName: 'tiny', data: TINY, seed: 8, force: true });
    expect(replaced.status).toBe('replaced');
    expect(replaced.manifest.fingerprint).toBe(JSON.parse(read('c', 'manifest.json')).fingerprint);
    expect(readdirSync(root).sort()).toEqual(['a', 'b', 'c']); // no staging or old folders left behind
  });

  it('writes the same files as before presets could set nuisances, when a preset sets none of them', () => {
    expect(first.manifest.fingerprint).toBe(TINY_SEED7_FINGERPRINT);
    expect(first.manifest.requestKey).toBe(TINY_SEED7_REQUEST_KEY);
    expect(Object.keys(first.manifest.data.pretrain)).toEqual(['images', 'size', 'format']);
    expect(first.manifest.data).not.toHaveProperty('appearance');
    expect(existsSync(join(dir('a'), 'pretrain', HOLDOUT_FILE))).toBe(false);
  });

  it('writes the same files with every nuisance setting spelt out at its default (maxCentreShift 0.5 = no limit)', async () => {
    const explicit = await makeFashionVoc({ out: moreDir('explicit'), presetName: 'tiny', data: TINY_EXPLICIT_DEFAULTS, seed: 7 });
    expect(explicit.manifest.requestKey).not.toBe(TINY_SEED7_REQUEST_KEY);
    expect(readMore('explicit', 'SHA256SUMS')).toBe(read('a', 'SHA256SUMS'));
  });

  describe('several renderings per item and a hold-out', () => {
    let result: MakeResult;
    beforeAll(async () => {
      result = await makeFashionVoc({ out: moreDir('renderings'), presetName: 'tiny', data: TINY_RENDERINGS, seed: 7 });
    });

    it('renders each item renderingsPerItem times, differently, under one label', () => {
      const items = pretrainItems(readMore('renderings', 'items.txt'));
      expect(items.size).toBe(60);
      const labels = new Map(readMore('renderings', 'pretrain/labels.txt').trim().split('\n').map((l) => l.split(' ') as [string, string]));
      const sums = new Map(readMore('renderings', 'SHA256SUMS').trim().split('\n').map((l) => l.split('  ').reverse() as [string, string]));
      const byItem = new Map<number, string[]>();
      for (const [file, item] of items) byItem.set(item, [...(byItem.get(item) ?? []), file]);
      expect(byItem.size).toBe(20);
      const set = loadFashionMnist();
      for (const [item, files] of byItem) {
        expect(files).toHaveLength(3);
        for (const file of files) expect(labels.get(file)).toBe(FASHION_MNIST_CLASSES[set.labels[item]]);
        expect(new Set(files.map((f) => sums.get(`pretrain/${f}`))).size).toBe(3); // other tint, background, place
      }
      expect(result.manifest.counts).toMatchObject({ pretrain: 60, pretrainItems: 20, pretrainHoldout: 6 });
    });

    it('keeps pretraining items (however often rendered) disjoint from every scene pool', () => {
      const pretrain = new Set(pretrainItems(readMore('renderings', 'items.txt')).values());
      const scene = readMore('renderings', 'items.txt').trim().split('\n').filter((l) => l.startsWith('VOC')).flatMap((l) => l.split(' ').slice(2).map(Number));
      expect(new Set(scene).size).toBe(scene.length);
      expect(scene.filter((item) => pretrain.has(item))).toEqual([]);
      expect(result.manifest.counts.itemsUsed).toBe(pretrain.size + scene.length);
    });

    it('holds out ~10% of the ITEMS, every rendering of a held-out item and none of the others, sorted', () => {
      const lines = readMore('renderings', `pretrain/${HOLDOUT_FILE}`).split('\n');
      expect(lines.pop()).toBe('');
      expect(lines).toEqual([...lines].sort());
      const items = pretrainItems(readMore('renderings', 'items.txt'));
      const heldItems = new Set(lines.map((file) => items.get(file)));
      expect(heldItems.size).toBe(2); // round(0.1 * 20)
      const trainingItems = new Set([...items].filter(([file]) => !lines.includes(file)).map(([, item]) => item));
      expect([...heldItems].filter((item) => trainingItems.has(item!))).toEqual([]);
      expect(lines).toEqual([...items].filter(([, item]) => heldItems.has(item)).map(([file]) => file).sort());
      for (const file of lines) expect(existsSync(join(moreDir('renderings'), 'pretrain', file))).toBe(true);
    });
  });

  describe('VOC-sized scenes, classes split by tint, items reused (the table2-e2e bench\'s options)', () => {
    const SIZES: Array<[number, number]> = [[96, 72], [72, 96], [96, 64]];
    const VOC_LIKE: FashionVocDataPreset = { ...TINY, scenes: { ...TINY.scenes, minSize: 64, maxSize: 96, sizes: SIZES, classesByTint: true, reuseItems: true } };
    let result: MakeResult;
    beforeAll(async () => {
      result = await makeFashionVoc({ out: moreDir('voc-like'), presetName: 'tiny', data: VOC_LIKE, seed: 7 });
    });

    it('draws every scene\'s size from the list, and names objects <class>-warm / <class>-cool: 20 classes', async () => {
      const devkit = join(moreDir('voc-like'), 'VOCdevkit');
      const names = new Set<string>();
      for (const [year, splits] of Object.entries(SPLITS)) {
        expect(validateVocYear({ devkit, year })).toEqual([]);
        for (const split of splits) {
          const loaded = loadVocSplit({ devkit, year, split });
          expect(loaded.classes).toEqual(tintClasses(FASHION_MNIST_CLASSES));
          expect(loaded.classes).toHaveLength(20);
          for (const annotation of loaded.annotations.values()) {
            expect(SIZES).toContainEqual([annotation.size.width, annotation.size.height]);
            for (const object of annotation.objects) names.add(object.name);
          }
          for (const className of loaded.classes) {
            for (const { id, label } of readClassLabels(loaded.yearDir, className, split)) expect(label).toBe(classLabelFor(loaded.annotations.get(id)!, className));
          }
        }
      }
      const tones = [...names].map((name) => name.slice(name.lastIndexOf('-') + 1));
      expect(new Set(tones)).toEqual(new Set(['warm', 'cool']));
      const image = await decodeImage(join(devkit, 'VOC2007', 'JPEGImages', '000001.jpg'));
      expect(SIZES).toContainEqual([image.width, image.height]);
      expect(result.manifest.counts.itemsDistinct).toBe(result.manifest.counts.itemsUsed); // the shipped set suffices: nothing repeats
    });

    it('leaves the files as they were when the items suffice for reuseItems (default false otherwise)', async () => {
      const reuse = await makeFashionVoc({ out: moreDir('reuse'), presetName: 'tiny', data: { ...TINY, scenes: { ...TINY.scenes, reuseItems: true } }, seed: 7 });
      expect(reuse.manifest.requestKey).not.toBe(TINY_SEED7_REQUEST_KEY);
      expect(readMore('reuse', 'SHA256SUMS')).toBe(read('a', 'SHA256SUMS'));
    });
  });

  it('refuses a folder that is not a Fashion-VOC data set', async () => {
    await expect(makeFashionVoc({ out: join(dir('a'), 'pretrain'), presetName: 'tiny', data: TINY, seed: 7 }))
      .rejects.toThrow(/pretrain: exists and is not a Fashion-VOC data set \(no manifest\.json\); pass --force/);
  });
});
