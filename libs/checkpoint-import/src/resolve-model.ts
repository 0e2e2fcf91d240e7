/**
 * `--model` on every command: a checkpoint folder or an ONNX file is used as it is; a PyTorch,
 * safetensors or Detectron file is imported once into a cache entry keyed by the file's sha256
 * (and the importer version), and that folder is used instead.
 */
import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { ContentCache, sha256 } from '@mgta/core';
import { isCheckpointFile } from './formats/read-checkpoint.ts';
import { importCheckpointBytes } from './import-checkpoint.ts';
import { IMPORTER_VERSION, describeImport, writeImportedCheckpoint } from './write-checkpoint.ts';

export const IMPORTED_CACHE_KIND = 'imported-checkpoints';

/** True for a file (not a folder) whose first bytes are a torch zip, a pickle or safetensors. */
export function isForeignCheckpoint(path: string): boolean {
  if (!existsSync(path) || !statSync(path).isFile()) return false;
  const head = new Uint8Array(16);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  return isCheckpointFile(head);
}

/**
 * The checkpoint folder for `path`: itself unless it is a foreign checkpoint file, which is
 * imported (with the suggested pixel normalisation) on first use and cached by content.
 */
export async function resolveModelPath(path: string, print: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): Promise<string> {
  if (!isForeignCheckpoint(path)) return path;
  const bytes = new Uint8Array(readFileSync(path));
  const cache = new ContentCache(IMPORTED_CACHE_KIND);
  const inputs = { sourceSha256: sha256(bytes), importerVersion: IMPORTER_VERSION };
  // getOrBuild returns a complete entry as it is; the build (and its report) runs only once.
  return cache.getOrBuild(inputs, async (dir) => {
    const imported = importCheckpointBytes(bytes, path);
    await writeImportedCheckpoint(dir, imported, imported.suggestedNormalization, 'mgta --model (imported)');
    for (const line of describeImport(imported, imported.suggestedNormalization)) print(line);
    print(`imported once into ${cache.dirOf(inputs)}; \`mgta import-checkpoint --from ${path} --out <dir>\` chooses --prefix or --pixel-normalization`);
  });
}
