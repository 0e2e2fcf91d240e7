import { Buffer } from 'node:buffer';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileBytesReader } from './file-bytes.ts';

const dir = mkdtempSync(join(tmpdir(), 'file-bytes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, bytes: Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

describe('FileBytesReader', () => {
  it('reads files of any size one after the other, each whole, into the buffer it reuses', () => {
    // Sizes around the initial 1 MiB buffer, and one that makes it grow; distinct bytes per file.
    const contents = [0, 1, 5000, 3 << 20, 17, (1 << 20) - 1, 1 << 20, (1 << 20) + 1].map((size, f) =>
      Uint8Array.from({ length: size }, (_, i) => (Math.imul(i + f, 2654435761) >>> 24) & 255),
    );
    const paths = contents.map((bytes, i) => file(`f${i}`, bytes));
    const reader = new FileBytesReader();
    paths.forEach((path, i) => expect(Buffer.compare(reader.read(path), contents[i]), path).toBe(0));
  });

  it('throws the file system error of a file it cannot read', () => {
    const reader = new FileBytesReader();
    expect(() => reader.read(join(dir, 'missing'))).toThrow(expect.objectContaining({ code: 'ENOENT' }));
    expect(() => reader.read(dir)).toThrow(expect.objectContaining({ code: 'EISDIR' }));
  });
});
