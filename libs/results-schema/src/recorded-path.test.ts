import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { recordedPath, repositoryRoot } from './recorded-path.ts';

describe('recordedPath', () => {
  it('is relative to the root inside it and only the name outside it', () => {
    expect(recordedPath('/repo/models/ci/random', '/repo')).toBe('models/ci/random');
    expect(recordedPath('/repo', '/repo')).toBe('.');
    expect(recordedPath('/data/VOCdevkit', '/repo')).toBe('VOCdevkit');
    expect(recordedPath('/repository-other/x.onnx', '/repo')).toBe('x.onnx');
    expect(recordedPath('/data/VOCdevkit', undefined)).toBe('VOCdevkit');
  });

  it('finds the repository root from a folder inside it, and none outside any repository', () => {
    const root = mkdtempSync(join(tmpdir(), 'recorded-path-'));
    mkdirSync(join(root, '.git'));
    mkdirSync(join(root, 'a', 'b'), { recursive: true });
    expect(repositoryRoot(join(root, 'a', 'b'))).toBe(root);
    expect(recordedPath(join(root, 'a', 'b', 'f.npy'), repositoryRoot(join(root, 'a')))).toBe('a/b/f.npy');
    expect(repositoryRoot('/')).toBeUndefined();
  });
});
