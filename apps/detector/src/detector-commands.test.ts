import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { spawnLockHolder } from '@mgta/core/testing';
import { registerDetectorCommands } from './detector-commands.ts';

describe('mgta det train', { timeout: 60_000 }, () => {
  const root = mkdtempSync(join(tmpdir(), 'det-lock-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('refuses a run folder another training holds, before loading anything', async () => {
    const out = join(root, 'run');
    const holder = await spawnLockHolder(out);
    try {
      const program = new Command('mgta').exitOverride();
      registerDetectorCommands(program);
      await expect(program.parseAsync(['det', 'train', '--preset', 'ci', '--model', join(root, 'no-model'), '--devkit', join(root, 'no-devkit'), '--out', out], { from: 'user' }))
        .rejects.toThrow(new RegExp(`${out}: is in use by another run: pid ${holder.pid}\\b`));
    } finally {
      holder.child.kill('SIGTERM');
      await holder.exited;
    }
  });
});
