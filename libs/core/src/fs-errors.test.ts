import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from './input-error.ts';
import { fsWriteError } from './fs-errors.ts';

/** An error shaped like Node's for a failed syscall. */
function errno(code: string, syscall: string, path?: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: failed, ${syscall}${path ? ` '${path}'` : ''}`), { code, syscall, path });
}

describe('fsWriteError', () => {
  const root = mkdtempSync(join(tmpdir(), 'mgta-fs-errors-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const out = join(root, 'models', 'ci', 'iae', 'weights.bin');
  const message = (error: unknown) => {
    expect(error).toBeInstanceOf(InputError);
    return (error as InputError).message;
  };

  it('names the target, not the temp file, and says what to do', () => {
    const temp = join(root, 'models', 'ci', 'iae', '.weights.bin.123.0a0b0c0d.tmp');
    expect(message(fsWriteError(errno('EROFS', 'open', temp), out))).toBe(`${out}: cannot write here: the file system is read-only; choose another --out on a writable disk`);
    expect(message(fsWriteError(errno('EACCES', 'open', temp), out))).toBe(`${out}: cannot write here: permission denied; choose another --out or make it writable`);
    expect(message(fsWriteError(errno('EACCES', 'mkdir', join(root, 'models')), out))).toContain(`permission denied (on ${join(root, 'models')})`);
  });

  it('says which device is full although write(2) gives no path', () => {
    // Nearest existing folder: the path's own folders do not exist yet.
    expect(message(fsWriteError(errno('ENOSPC', 'write'), out))).toBe(`${out}: no space left on the device holding ${root}; free space on it or choose another --out`);
    expect(message(fsWriteError(errno('EDQUOT', 'write'), out, { elsewhere: 'point MGTA_CACHE_DIR at another folder' })))
      .toBe(`${out}: disk quota exceeded on the device holding ${root}; free space within your quota or point MGTA_CACHE_DIR at another folder`);
  });

  it('names the file standing where a folder should be (ENOTDIR), and explains ENOENT from mkdir', () => {
    const file = join(root, 'notes');
    writeFileSync(file, 'x');
    const below = join(file, 'run', 'out.json');
    expect(message(fsWriteError(errno('ENOTDIR', 'mkdir', join(file, 'run')), below))).toBe(`${below}: ${file} is a file, not a folder, so nothing can be written below it; choose another --out`);
    expect(message(fsWriteError(errno('ENOENT', 'mkdir', join(root, 'x', 'tmp')), join(root, 'x', 'tmp', 'f')))).toMatch(/cannot create it: .* is the nearest existing folder, .*read-only mount/);
  });

  it('leaves other errors alone', () => {
    const plain = new Error('not an fs error');
    expect(fsWriteError(plain, out)).toBe(plain);
    const unknown = errno('EMFILE', 'open', out);
    expect(fsWriteError(unknown, out)).toBe(unknown);
    const input = new InputError('x', 'already clear');
    expect(fsWriteError(input, out)).toBe(input);
  });
});
