import { afterEach, describe, expect, it, vi } from 'vitest';
import { runNodeChild } from './node-child.ts';

describe('runNodeChild', () => {
  afterEach(() => vi.restoreAllMocks());

  it('prefixes every line of the child\'s stdout and stderr, and resolves on exit 0', async () => {
    const out: string[] = [];
    const err: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (out.push(String(chunk)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (err.push(String(chunk)), true));
    await runNodeChild(['-e', "console.log('one\\ntwo'); console.error('three')"], { describe: 'child', prefix: '[m] ' });
    vi.restoreAllMocks();
    expect(out).toEqual(['[m] one\n', '[m] two\n']);
    expect(err).toEqual(['[m] three\n']);
  });

  it('rejects with the child\'s name and exit code when it fails', async () => {
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    await expect(runNodeChild(['-e', 'process.exit(3)'], { describe: 'mgta pretrain iae --preset ci', prefix: '' }))
      .rejects.toThrow('mgta pretrain iae --preset ci failed (exit 3)');
  });
});
