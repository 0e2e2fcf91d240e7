// Tensor folders: written whole, read back bit for bit, replaced without leftovers.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readTensorFolder, writeTensorFolder } from './head-io.ts';

const dirs: string[] = [];
afterEach(() => { for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true }); });

const tensors = (value: number) => new Map([['w', { shape: [2, 2], data: Float32Array.of(value, -value, 0.5, 1e-30) }]]);

describe('writeTensorFolder', () => {
  it('reads back what it wrote, and a rewrite replaces the folder leaving nothing beside it', () => {
    const parent = mkdtempSync(join(tmpdir(), 'mgta-head-io-'));
    dirs.push(parent);
    const dir = join(parent, 'heads');
    writeTensorFolder(dir, { trainable: tensors(1) }, { note: 'first' });
    writeTensorFolder(dir, { trainable: tensors(3), frozen: tensors(-2) }, { note: 'second' });
    const { groups, meta } = readTensorFolder(dir);
    expect(meta).toEqual({ note: 'second' });
    expect(Array.from(groups.trainable.get('w')!.data)).toEqual(Array.from(Float32Array.of(3, -3, 0.5, 1e-30)));
    expect(Array.from(groups.frozen.get('w')!.data)).toEqual(Array.from(Float32Array.of(-2, 2, 0.5, 1e-30)));
    expect(groups.frozen.get('w')!.shape).toEqual([2, 2]);
    expect(readdirSync(parent)).toEqual(['heads']);
  });
});
