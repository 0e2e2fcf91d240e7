/**
 * The held-out pretraining images (issue 11): when `<images dir>/holdout.txt` exists (written by
 * the data generator with `holdoutFraction`: one image file name per line, relative to the
 * images folder, sorted), those images are taken out of the set before anything else — the
 * seeded subset, IAE, MGTA (its k-means included), supervised and iae-long never see them. They
 * only feed the diagnostics (diagnostics.ts). Without the file the set is returned unchanged,
 * so runs on data without a hold-out are exactly as before.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { InputError, hashJson } from '@mgta/core';
import type { ImageSet } from './image-set.ts';

export const HOLDOUT_FILE = 'holdout.txt';

export interface HoldoutSplit {
  /** The images pretraining may use. */
  train: ImageSet;
  /** The held-out images (same class names and label indices as the full set), or null. */
  holdout: ImageSet | null;
  /** The holdout.txt read, when there was one. */
  file?: string;
}

export function splitHoldout(set: ImageSet): HoldoutSplit {
  const file = join(set.root, HOLDOUT_FILE);
  if (!existsSync(file)) return { train: set, holdout: null };
  const index = new Map(set.files.map((path, i) => [resolve(path), i]));
  const held = new Set<number>();
  const names: string[] = [];
  readFileSync(file, 'utf8').split('\n').forEach((raw, i) => {
    const name = raw.trim();
    if (name === '') return;
    const at = index.get(resolve(set.root, name));
    if (at === undefined) throw new InputError(file, `names ${name}, which is not one of the ${set.files.length} pretraining images of ${set.root}`, { line: i + 1 });
    if (held.has(at)) throw new InputError(file, `names ${name} twice`, { line: i + 1 });
    held.add(at);
    names.push(relative(set.root, set.files[at]).split(sep).join('/'));
  });
  if (held.size === 0) return { train: set, holdout: null, file };
  if (set.files.length - held.size < 4) {
    throw new InputError(file, `holds out ${held.size} of ${set.files.length} images, leaving fewer than the 4 pretraining needs`);
  }
  const pick = (keep: (i: number) => boolean, role: string): ImageSet => {
    const chosen = set.files.map((_, i) => i).filter(keep);
    return {
      ...set,
      files: chosen.map((i) => set.files[i]),
      ...(set.labels ? { labels: Int32Array.from(chosen, (i) => set.labels![i]) } : {}),
      fingerprint: hashJson({ of: set.fingerprint, [role]: names.sort() }),
    };
  };
  return { train: pick((i) => !held.has(i), 'withoutHoldout'), holdout: pick((i) => held.has(i), 'holdout'), file };
}
