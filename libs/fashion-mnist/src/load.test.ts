import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { encodeIdx } from './idx.ts';
import { loadFashionMnist, loadFullFashionMnist, SYSTEM_DIR } from './load.ts';

function fakeSet(dir: string, prefix: string, labels: number[], gzip: boolean): void {
  const images = encodeIdx([labels.length, 2, 2], new Uint8Array(labels.length * 4).fill(labels.length));
  const labelFile = encodeIdx([labels.length], Uint8Array.from(labels));
  const suffix = gzip ? '.gz' : '';
  writeFileSync(join(dir, `${prefix}-images-idx3-ubyte${suffix}`), gzip ? gzipSync(images) : images);
  writeFileSync(join(dir, `${prefix}-labels-idx1-ubyte${suffix}`), gzip ? gzipSync(labelFile) : labelFile);
}

describe('loadFashionMnist', () => {
  it('loads the shipped 10k test set', () => {
    const set = loadFashionMnist();
    expect(set.count).toBe(10_000);
    expect([set.rows, set.cols]).toEqual([28, 28]);
    expect(set.images.length).toBe(10_000 * 28 * 28);
    // The test set is balanced: 1000 items per class (Xiao et al. 2017, Table 1).
    const perClass = new Array(10).fill(0);
    for (const label of set.labels) perClass[label]++;
    expect(perClass).toEqual(new Array(10).fill(1000));
    expect(set.sources.map((s) => s.sha256)).toEqual([
      'cc1d090a38ace84dfa1aa66e3ada7c336ef481a96936906477e6dd344da56eaa',
      '8d3605d196f4be44669e46906da9733c8131fef761fdbfec72c424d5222f1a05',
    ]);
  });

  it('loads train then test from a folder, gzipped or raw', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fmnist-'));
    fakeSet(dir, 'train', [1, 2, 3], false);
    fakeSet(dir, 't10k', [9], true);
    const set = loadFashionMnist({ dir });
    expect(set.count).toBe(4);
    expect([...set.labels]).toEqual([1, 2, 3, 9]);
    expect([...set.images.subarray(0, 4)]).toEqual([3, 3, 3, 3]);
    expect([...set.images.subarray(12)]).toEqual([1, 1, 1, 1]);
  });

  it('names the missing file and rejects count mismatches and bad labels', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fmnist-'));
    fakeSet(dir, 't10k', [1], false);
    expect(() => loadFullFashionMnist(dir)).toThrow(/train-images-idx3-ubyte\.gz: missing/);
    writeFileSync(join(dir, 'train-images-idx3-ubyte'), encodeIdx([2, 2, 2], new Uint8Array(8)));
    writeFileSync(join(dir, 'train-labels-idx1-ubyte'), encodeIdx([3], new Uint8Array(3)));
    expect(() => loadFullFashionMnist(dir)).toThrow(/holds 3 labels but .* holds 2 images/);
    writeFileSync(join(dir, 'train-labels-idx1-ubyte'), encodeIdx([2], Uint8Array.from([0, 10])));
    expect(() => loadFullFashionMnist(dir)).toThrow(/label\[1\]: label 10 of item 1 is not a class 0\.\.9/);
  });
});

describe.skipIf(!existsSync(SYSTEM_DIR))('the full set (dataset-fashion-mnist installed)', () => {
  it('is used when more than the shipped 10k items are needed: train 60k then test 10k', () => {
    const full = loadFashionMnist({ minItems: 10_001 });
    expect(full.count).toBe(70_000);
    expect(full.sources.map((s) => s.name)).toEqual([
      'train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte',
    ]);
    // The last 10k are the shipped test set.
    const shipped = loadFashionMnist();
    expect(Buffer.compare(full.images.subarray(60_000 * 784), shipped.images)).toBe(0);
    expect(Buffer.compare(full.labels.subarray(60_000), shipped.labels)).toBe(0);
  });
});

// Runs on every machine, with or without Debian's package: the system folder is pointed
// at one that cannot exist, so this branch no longer hides where the package is installed.
describe('without the full set', () => {
  it('says how to get it when more than 10k items are needed', () => {
    const systemDir = join(mkdtempSync(join(tmpdir(), 'fmnist-')), 'not-installed');
    expect(() => loadFashionMnist({ minItems: 10_001, systemDir })).toThrow(
      /10001 Fashion-MNIST items are needed .*\(apt-get install dataset-fashion-mnist\)/,
    );
  });

  it('uses a full set found in the system folder', () => {
    const systemDir = mkdtempSync(join(tmpdir(), 'fmnist-system-'));
    fakeSet(systemDir, 'train', [4, 5], false);
    fakeSet(systemDir, 't10k', [6], false);
    expect([...loadFashionMnist({ minItems: 10_001, systemDir }).labels]).toEqual([4, 5, 6]);
  });
});
