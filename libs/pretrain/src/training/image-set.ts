/**
 * The unlabeled pretraining set: a folder of images. Two layouts are read:
 *  - Fashion-VOC's `pretrain/` (`images/*.png` + `labels.txt`, lines `<file> <class>`);
 *  - miniImageNet / ImageNet style: one subfolder per class, images inside.
 * The class names are HIDDEN labels: only the supervised baseline and the NMI/purity
 * diagnostics read them; IAE and MGTA never do. Files are listed in sorted order, so the same
 * folder always gives the same indices.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, relative, resolve } from 'node:path';
import { InputError, Random, hashJson } from '@mgta/core';

const IMAGE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg', '.JPEG', '.JPG', '.PNG']);

export interface ImageSet {
  root: string;
  /** Absolute paths, index = image id in training. */
  files: string[];
  /** Hidden class index per image (into classNames), when the layout names classes. */
  labels?: Int32Array;
  classNames?: string[];
  /** Fashion-VOC's manifest fingerprint, else a hash of the relative names and sizes. */
  fingerprint: string;
}

export function listImageSet(dir: string): ImageSet {
  const root = resolve(dir);
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new InputError(root, 'is not a folder of pretraining images');
  const labelsFile = join(root, 'labels.txt');
  const entries = existsSync(labelsFile) ? readLabelsFile(root, labelsFile) : readClassFolders(root);
  if (entries.length < 4) throw new InputError(root, `holds ${entries.length} images; pretraining needs at least 4`);
  entries.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  const named = entries.every((e) => e.className !== undefined);
  const classNames = named ? [...new Set(entries.map((e) => e.className!))].sort() : undefined;
  const index = new Map(classNames?.map((name, i) => [name, i]));
  return {
    root,
    files: entries.map((e) => e.file),
    ...(classNames ? { labels: Int32Array.from(entries, (e) => index.get(e.className!)!), classNames } : {}),
    fingerprint: fingerprintOf(root, entries.map((e) => e.file)),
  };
}

/** A seeded subset of `count` images (kept in index order), or the whole set when count is null or ≥ n. */
export function subsetImageSet(set: ImageSet, count: number | null, seed: number): ImageSet {
  if (count === null || count >= set.files.length) return set;
  const chosen = new Random(seed).shuffle(Array.from(set.files, (_, i) => i)).slice(0, count).sort((a, b) => a - b);
  return {
    ...set,
    files: chosen.map((i) => set.files[i]),
    ...(set.labels ? { labels: Int32Array.from(chosen, (i) => set.labels![i]) } : {}),
    fingerprint: hashJson({ of: set.fingerprint, subset: count, seed }),
  };
}

interface Entry { file: string; className?: string }

function readLabelsFile(root: string, labelsFile: string): Entry[] {
  return readFileSync(labelsFile, 'utf8').split('\n').flatMap((line, i) => {
    if (line.trim() === '') return [];
    const [name, className, extra] = line.trim().split(/\s+/);
    if (className === undefined || extra !== undefined) throw new InputError(labelsFile, 'expected "<file> <class>"', { line: i + 1 });
    const file = join(root, name);
    if (!existsSync(file)) throw new InputError(labelsFile, `names ${name}, which does not exist`, { line: i + 1 });
    return [{ file, className }];
  });
}

function readClassFolders(root: string): Entry[] {
  const entries: Entry[] = [];
  for (const name of readdirSync(root).sort()) {
    const path = join(root, name);
    if (statSync(path).isDirectory()) {
      for (const inner of readdirSync(path).sort()) {
        if (IMAGE_EXTENSIONS.has(extname(inner))) entries.push({ file: join(path, inner), className: name });
      }
    } else if (IMAGE_EXTENSIONS.has(extname(name))) {
      entries.push({ file: path }); // top-level image: no class
    }
  }
  return entries;
}

function fingerprintOf(root: string, files: string[]): string {
  // Fashion-VOC writes <out>/manifest.json with the data set's content fingerprint.
  const manifest = join(dirname(root), 'manifest.json');
  if (existsSync(manifest)) {
    try {
      const fingerprint = JSON.parse(readFileSync(manifest, 'utf8')).fingerprint;
      if (typeof fingerprint === 'string') return fingerprint;
    } catch { /* fall through to the listing hash */ }
  }
  return hashJson(files.map((file) => [relative(root, file), statSync(file).size]));
}
