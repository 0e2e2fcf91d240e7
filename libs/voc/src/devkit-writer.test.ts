import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Random } from '@mgta/core';
import { classLabelFor, writeVocYear } from './devkit-writer.ts';
import { loadVocSplit } from './load-split.ts';
import { readClassLabels } from './image-sets.ts';
import type { VocAnnotation, VocObject } from './types.ts';

function box(xmin: number, ymin: number, xmax: number, ymax: number) {
  return { xmin, ymin, xmax, ymax };
}

function obj(name: string, difficult: boolean): VocObject {
  return { name, bbox: box(1, 1, 2, 2), difficult, truncated: false, pose: 'Unspecified' };
}

function image(id: string, objects: VocObject[]): VocAnnotation {
  return { id, filename: `${id}.jpg`, size: { width: 10, height: 10, depth: 3 }, objects };
}

describe('classLabelFor', () => {
  it('is 1 with a non-difficult object, 0 with only difficult ones, -1 with none', () => {
    const annotation = image('a', [obj('dog', true), obj('cat', true), obj('cat', false)]);
    expect(classLabelFor(annotation, 'cat')).toBe(1);
    expect(classLabelFor(annotation, 'dog')).toBe(0);
    expect(classLabelFor(annotation, 'bird')).toBe(-1);
  });
});

function randomAnnotation(random: Random, id: string, classes: string[]): VocAnnotation {
  const width = 20 + random.int(480);
  const height = 20 + random.int(480);
  const objects = Array.from({ length: random.int(4) }, (): VocObject => {
    const xmin = 1 + random.int(width - 1);
    const ymin = 1 + random.int(height - 1);
    const xmax = xmin + random.int(width - xmin + 1);
    // every other box has a fractional corner, which must survive the round trip
    const ymax = random.int(2) === 0 ? ymin + 0.5 : height;
    return {
      name: classes[random.int(classes.length)],
      bbox: box(xmin, ymin, xmax, ymax),
      difficult: random.int(3) === 0,
      truncated: random.int(2) === 0,
      pose: ['Unspecified', 'Left', 'Frontal & <odd>'][random.int(3)],
    };
  });
  return { id, filename: `${id}.jpg`, size: { width, height, depth: 3 }, segmented: random.int(2) === 0, objects };
}

describe('writeVocYear', () => {
  it('round-trips: what it writes reads back as identical records, in split order', () => {
    const classes = ['cat', 'dog', 'person'];
    const random = new Random(7);
    const annotations = Array.from({ length: 30 }, (_, i) => randomAnnotation(random, String(100000 + i * 37).padStart(6, '0'), classes));
    const ids = annotations.map((a) => a.id);
    const splits = { train: ids.slice(0, 20).reverse(), test: ids.slice(20) };
    const objects = annotations.flatMap((a) => a.objects);
    // The sample exercises what it should: difficult objects, fractional corners, all three labels.
    expect(objects.some((o) => o.difficult) && objects.some((o) => !Number.isInteger(o.bbox.ymax))).toBe(true);
    const labels = new Set(annotations.flatMap((a) => classes.map((c) => classLabelFor(a, c))));
    expect([...labels].sort()).toEqual([-1, 0, 1]);
    const devkit = mkdtempSync(join(tmpdir(), 'voc-write-'));
    writeVocYear(join(devkit, 'VOC2007'), { classes, annotations, splits });

    for (const [split, splitIds] of Object.entries(splits)) {
      const loaded = loadVocSplit({ devkit, year: '2007', split });
      expect(loaded.classes).toEqual(classes); // from the classes.txt it wrote
      expect(loaded.ids).toEqual(splitIds);
      for (const id of splitIds) expect(loaded.annotations.get(id)).toEqual(annotations.find((a) => a.id === id));
      for (const className of classes) {
        expect(readClassLabels(loaded.yearDir, className, split)).toEqual(
          splitIds.map((id) => ({ id, label: classLabelFor(loaded.annotations.get(id)!, className) })),
        );
      }
    }
  });

  it('writes the devkit text formats byte for byte', () => {
    const yearDir = join(mkdtempSync(join(tmpdir(), 'voc-write-')), 'VOC2007');
    const annotations = [image('000005', [obj('cat', true)]), image('000007', [obj('dog', false), obj('cat', false)])];
    writeVocYear(yearDir, { classes: ['cat', 'dog'], annotations, splits: { val: ['000007', '000005'] } });
    const read = (path: string) => readFileSync(join(yearDir, path), 'utf8');
    expect(read('ImageSets/Main/val.txt')).toBe('000007\n000005\n');
    expect(read('ImageSets/Main/cat_val.txt')).toBe('000007  1\n000005  0\n');
    expect(read('ImageSets/Main/dog_val.txt')).toBe('000007  1\n000005 -1\n');
    expect(read('classes.txt')).toBe('cat\ndog\n');
    expect(read('Annotations/000005.xml')).toContain('\t\t<difficult>1</difficult>\n\t\t<bndbox>\n\t\t\t<xmin>1</xmin>');
  });

  it('refuses a split naming an image without annotation, and an object of an unlisted class', () => {
    const yearDir = join(mkdtempSync(join(tmpdir(), 'voc-write-')), 'VOC2007');
    expect(() => writeVocYear(yearDir, { classes: ['cat'], annotations: [], splits: { val: ['000001'] } })).toThrow(
      'split "val" lists "000001", which has no annotation',
    );
    expect(() => writeVocYear(yearDir, { classes: ['cat'], annotations: [image('a', [obj('dog', false)])], splits: {} })).toThrow(
      'unknown class "dog"',
    );
  });
});
