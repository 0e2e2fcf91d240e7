import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError, sha256 } from '@mgta/core';
import { parseIdx } from './idx.ts';

/** The 10k test set shipped inside the repository (see ../README.md for provenance). */
export const SHIPPED_DIR = fileURLToPath(new URL('../data/', import.meta.url));
/** Where Debian's dataset-fashion-mnist package puts the full set, used when present. */
export const SYSTEM_DIR = '/usr/share/datasets/fashion-mnist';
export const SHIPPED_COUNT = 10_000;

export interface FashionMnist {
  /** count * rows * cols grey bytes, item-major, row-major; 0 is background. */
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
  rows: number;
  cols: number;
  /** The IDX files read, with the sha256 of their bytes on disk, in reading order. */
  sources: Array<{ name: string; sha256: string }>;
}

export interface LoadOptions {
  /** A folder holding train-* and t10k-* IDX files (gzipped or not): loads all 70k. */
  dir?: string;
  /** How many items the caller needs; above 10k the full set is looked for in `systemDir`. */
  minItems?: number;
  /** Where to look for the full set when more than 10k items are needed (default SYSTEM_DIR). */
  systemDir?: string;
}

interface Part { images: string; labels: string }

const TEST_PART: Part = { images: 't10k-images-idx3-ubyte', labels: 't10k-labels-idx1-ubyte' };
const TRAIN_PART: Part = { images: 'train-images-idx3-ubyte', labels: 'train-labels-idx1-ubyte' };

function findFile(dir: string, stem: string): string {
  for (const name of [`${stem}.gz`, stem]) {
    const path = join(dir, name);
    if (existsSync(path)) return path;
  }
  throw new InputError(join(dir, `${stem}.gz`), `missing (looked for ${stem}.gz and ${stem} in ${dir})`);
}

function readPart(dir: string, part: Part, sources: FashionMnist['sources']): Omit<FashionMnist, 'sources'> {
  const imagesFile = findFile(dir, part.images);
  const labelsFile = findFile(dir, part.labels);
  const imageBytes = readFileSync(imagesFile);
  const labelBytes = readFileSync(labelsFile);
  sources.push({ name: part.images, sha256: sha256(imageBytes) }, { name: part.labels, sha256: sha256(labelBytes) });
  const images = parseIdx(imageBytes, imagesFile);
  const labels = parseIdx(labelBytes, labelsFile);
  if (images.dims.length !== 3) {
    throw new InputError(imagesFile, `image file must have 3 dimensions (count, rows, cols), has ${images.dims.length}`, { field: 'dims' });
  }
  if (labels.dims.length !== 1) {
    throw new InputError(labelsFile, `label file must have 1 dimension (count), has ${labels.dims.length}`, { field: 'dims' });
  }
  const [count, rows, cols] = images.dims;
  if (labels.dims[0] !== count) {
    throw new InputError(labelsFile, `holds ${labels.dims[0]} labels but ${imagesFile} holds ${count} images`, { field: 'dims' });
  }
  const bad = labels.data.findIndex((label) => label > 9);
  if (bad >= 0) throw new InputError(labelsFile, `label ${labels.data[bad]} of item ${bad} is not a class 0..9`, { field: `label[${bad}]` });
  return { images: images.data, labels: labels.data, count, rows, cols };
}

function concat(parts: Array<Omit<FashionMnist, 'sources'>>, sources: FashionMnist['sources'], dir: string): FashionMnist {
  const { rows, cols } = parts[0];
  if (parts.some((part) => part.rows !== rows || part.cols !== cols)) {
    throw new InputError(dir, 'train and test images have different sizes', { field: 'dims' });
  }
  const count = parts.reduce((sum, part) => sum + part.count, 0);
  const images = new Uint8Array(count * rows * cols);
  const labels = new Uint8Array(count);
  let offset = 0;
  for (const part of parts) {
    images.set(part.images, offset * rows * cols);
    labels.set(part.labels, offset);
    offset += part.count;
  }
  return { images, labels, count, rows, cols, sources };
}

/** All 70k items of a full Fashion-MNIST folder: train (60k) first, then test (10k). */
export function loadFullFashionMnist(dir: string): FashionMnist {
  const sources: FashionMnist['sources'] = [];
  return concat([readPart(dir, TRAIN_PART, sources), readPart(dir, TEST_PART, sources)], sources, dir);
}

/**
 * Fashion-MNIST items: the full set from `dir` when given; else the shipped 10k test set,
 * unless the caller needs more than 10k items, in which case the system-wide full set.
 */
export function loadFashionMnist(options: LoadOptions = {}): FashionMnist {
  if (options.dir !== undefined) return loadFullFashionMnist(options.dir);
  const needed = options.minItems ?? 0;
  if (needed > SHIPPED_COUNT) {
    const systemDir = options.systemDir ?? SYSTEM_DIR;
    if (existsSync(systemDir)) return loadFullFashionMnist(systemDir);
    throw new InputError(
      systemDir,
      `${needed} Fashion-MNIST items are needed but the shipped test set holds ${SHIPPED_COUNT}; ` +
        'install the full set (apt-get install dataset-fashion-mnist) or pass a folder with train-* and t10k-* IDX files',
    );
  }
  const sources: FashionMnist['sources'] = [];
  return concat([readPart(SHIPPED_DIR, TEST_PART, sources)], sources, SHIPPED_DIR);
}
