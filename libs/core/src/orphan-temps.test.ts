import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isPidAlive, parseTempName, removeOrphanTemps } from './orphan-temps.ts';
import { deadPid } from './lock-holder.ts';

describe('orphan temps', () => {
  it('reads the writer pid out of every temp name the project writes', () => {
    expect(parseTempName('.state.4242.0a1b2c3d.tmp')).toEqual({ name: 'state', pid: 4242, aside: false });
    expect(parseTempName('.metrics.jsonl.17.ffffffff.tmp')).toEqual({ name: 'metrics.jsonl', pid: 17, aside: false });
    expect(parseTempName('0123abcd.partial-99')).toEqual({ name: '0123abcd', pid: 99, aside: false });
    expect(parseTempName('ci.partial-99-lq3x9a')).toEqual({ name: 'ci', pid: 99, aside: false });
    expect(parseTempName('heads.tmp-5')).toEqual({ name: 'heads', pid: 5, aside: false });
    expect(parseTempName('features.npy.5.tmp')).toEqual({ name: 'features.npy', pid: 5, aside: false });
    expect(parseTempName('ci.old-5-lq3x9a')).toEqual({ name: 'ci', pid: 5, aside: true });
    for (const name of ['notes.txt', 'model.onnx', 'state', 'state.old', '.hidden', 'x.tmp']) expect(parseTempName(name), name).toBeUndefined();
  });

  it('removes only dead writers\' temps, and keeps a moved-aside original whose replacement never arrived', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mgta-orphans-'));
    const dead = deadPid();
    expect(isPidAlive(dead)).toBe(false);
    expect(isPidAlive(process.pid)).toBe(true);
    mkdirSync(join(dir, `.state.${dead}.0a1b2c3d.tmp`));
    writeFileSync(join(dir, `.state.${dead}.0a1b2c3d.tmp`, 'arrays.bin'), 'x');
    for (const name of [`.weights.bin.${process.pid}.0a1b2c3d.tmp`, 'notes.txt', `ci.old-${dead}-abc`, `voc.old-${dead}-abc`, 'voc']) writeFileSync(join(dir, name), 'x');
    const removed = removeOrphanTemps(dir);
    expect(removed.sort()).toEqual([join(dir, `.state.${dead}.0a1b2c3d.tmp`), join(dir, `voc.old-${dead}-abc`)].sort());
    expect(readdirSync(dir).sort()).toEqual([`.weights.bin.${process.pid}.0a1b2c3d.tmp`, `ci.old-${dead}-abc`, 'notes.txt', 'voc'].sort());
  });
});
