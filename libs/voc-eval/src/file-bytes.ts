import { Buffer } from 'node:buffer';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/**
 * Reads whole files, one after the other, into one buffer that it reuses. A VOC07 detection
 * submission is 20 files of ~0.7 MB: read into fresh memory and decoded into strings, as
 * readFileSync(file, 'utf8') does, they cost more in a fresh `mgta eval-det` process than
 * parsing them (new pages to fault in, UTF-8 decoding, garbage to collect); read into the
 * same buffer, a few milliseconds. The bytes returned stay valid until the next read.
 */
export class FileBytesReader {
  private buffer = Buffer.allocUnsafe(1 << 20);

  read(file: string): Buffer {
    const fd = openSync(file, 'r');
    try {
      this.reserve(fstatSync(fd).size + 1);
      let length = 0;
      for (;;) {
        // The file may have grown since fstat: keep room for at least one more byte to see its end.
        if (length === this.buffer.length) this.reserve(2 * this.buffer.length, length);
        const read = readSync(fd, this.buffer, length, this.buffer.length - length, null);
        if (read === 0) return this.buffer.subarray(0, length);
        length += read;
      }
    } finally {
      closeSync(fd);
    }
  }

  /** At least `size` bytes, keeping the first `keep`. */
  private reserve(size: number, keep = 0): void {
    if (size <= this.buffer.length) return;
    const larger = Buffer.allocUnsafe(Math.max(size, 2 * this.buffer.length));
    this.buffer.copy(larger, 0, 0, keep);
    this.buffer = larger;
  }
}
