import { afterAll, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readBundle, writeBundle } from './tensor-bundle.ts';

// A full disk cannot be made on demand: the rename that moves the new state in fails instead.
const failMoveInto = vi.hoisted(() => ({ path: undefined as string | undefined }));
vi.mock('node:fs', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs')>();
  return {
    ...actual,
    renameSync: (from: fs.PathLike, to: fs.PathLike) => {
      if (failMoveInto.path !== undefined && String(to) === failMoveInto.path) {
        throw Object.assign(new Error(`ENOSPC: no space left on device, rename '${String(from)}' -> '${String(to)}'`), { code: 'ENOSPC', syscall: 'rename' });
      }
      actual.renameSync(from, to);
    },
  };
});

describe('tensor bundle', () => {
  const root = mkdtempSync(join(tmpdir(), 'mgta-bundle-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const arrays = (value: number) => new Map([['w', { shape: [2], data: Float32Array.from([value, value]) }]]);

  it('a failed state write leaves no temp copy of the state behind, names the state folder, and keeps the previous state readable', () => {
    const state = join(root, 'model', 'state');
    writeBundle(state, arrays(1), { step: 1 });
    failMoveInto.path = state;
    try {
      expect(() => writeBundle(state, arrays(2), { step: 2 })).toThrow(new RegExp(`^${state}: no space left on the device holding`));
    } finally {
      failMoveInto.path = undefined;
    }
    expect(readdirSync(join(root, 'model'))).toEqual(['state.old']);
    expect(readBundle(state)?.document).toEqual({ step: 1 });
  });
});
