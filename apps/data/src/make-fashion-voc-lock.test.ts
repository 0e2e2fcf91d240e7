import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnLockHolder } from '@mgta/core/testing';
import { runMakeFashionVoc } from './make-fashion-voc.ts';

describe('make-fashion-voc on a folder another run is generating', { timeout: 60_000 }, () => {
  const root = mkdtempSync(join(tmpdir(), 'data-lock-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('is refused, naming the folder and the other run\'s pid, and writes nothing', async () => {
    const out = join(root, 'ci');
    const holder = await spawnLockHolder(out);
    try {
      await expect(runMakeFashionVoc({ out, preset: 'ci' }, { out: () => undefined, err: () => undefined }))
        .rejects.toThrow(new RegExp(`${out}: is in use by another run: pid ${holder.pid}\\b`));
    } finally {
      holder.child.kill('SIGTERM');
      await holder.exited;
    }
    expect(existsSync(out)).toBe(false);
  });
});
