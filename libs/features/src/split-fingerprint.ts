import { createHash } from 'node:crypto';
import { sha256File } from '@mgta/core';

/**
 * sha256 over the split's ids and each image's own sha256, in split order: any changed,
 * added, removed or reordered image gives another fingerprint, hence another cache entry.
 */
export async function splitFingerprint(ids: readonly string[], imagePaths: readonly string[]): Promise<string> {
  const hash = createHash('sha256');
  const concurrency = 16;
  const digests: string[] = new Array(ids.length);
  for (let start = 0; start < ids.length; start += concurrency) {
    const slice = imagePaths.slice(start, start + concurrency);
    const done = await Promise.all(slice.map((path) => sha256File(path)));
    done.forEach((digest, i) => { digests[start + i] = digest; });
  }
  ids.forEach((id, i) => hash.update(`${id} ${digests[i]}\n`));
  return hash.digest('hex');
}
