import { readAnnotation } from './annotation-reader.ts';
import { resolveClasses } from './classes.ts';
import { readImageSet } from './image-sets.ts';
import { resolveYearDir } from './layout.ts';
import type { VocAnnotation } from './types.ts';

export interface VocSplit {
  yearDir: string;
  classes: string[];
  /** Image ids in the order of ImageSets/Main/<split>.txt. */
  ids: string[];
  annotations: Map<string, VocAnnotation>;
}

/** Loads a split's ids and every annotation, checking object classes against the class list. */
export function loadVocSplit(options: { devkit: string; year: string; split: string; classes?: string[] }): VocSplit {
  const yearDir = resolveYearDir(options.devkit, options.year);
  const classes = resolveClasses(yearDir, options.classes);
  const ids = readImageSet(yearDir, options.split);
  const annotations = new Map<string, VocAnnotation>();
  for (const id of ids) annotations.set(id, readAnnotation(yearDir, id, { classes }));
  return { yearDir, classes, ids, annotations };
}
