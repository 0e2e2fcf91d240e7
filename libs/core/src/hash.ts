import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * sha256 over names and each file's own sha256, in order: any changed, added, removed or
 * reordered file gives another fingerprint, hence another cache entry. Files are hashed 16 at
 * a time.
 */
export async function filesFingerprint(names: readonly string[], paths: readonly string[]): Promise<string> {
  const hash = createHash('sha256');
  const concurrency = 16;
  const digests: string[] = new Array(names.length);
  for (let start = 0; start < names.length; start += concurrency) {
    const slice = paths.slice(start, start + concurrency);
    const done = await Promise.all(slice.map((path) => sha256File(path)));
    done.forEach((digest, i) => { digests[start + i] = digest; });
  }
  names.forEach((name, i) => hash.update(`${name} ${digests[i]}\n`));
  return hash.digest('hex');
}

/** JSON with object keys sorted, so equal values always hash equally. */
export function stableStringify(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`;
}

export function hashJson(value: unknown): string {
  return sha256(stableStringify(value));
}
