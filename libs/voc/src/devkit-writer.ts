import { basename } from 'node:path';
import { writeFileAtomic } from '@mgta/core';
import { annotationToXml } from './annotation-writer.ts';
import { classNameProblem, formatClassesFile } from './classes.ts';
import { formatClassLabels, formatImageSet } from './image-sets.ts';
import { idProblem, vocPaths } from './layout.ts';
import type { ClassLabel, VocAnnotation } from './types.ts';

/**
 * The image-level label of the devkit's <cls>_<split>.txt: 1 if the image has a
 * non-difficult object of the class, 0 if it has only difficult ones, -1 if none.
 */
export function classLabelFor(annotation: VocAnnotation, className: string): ClassLabel {
  const ofClass = annotation.objects.filter((object) => object.name === className);
  if (ofClass.length === 0) return -1;
  return ofClass.some((object) => !object.difficult) ? 1 : 0;
}

export interface VocYearContent {
  classes: string[];
  annotations: VocAnnotation[];
  /** split name → image ids, in the order to write them. */
  splits: Record<string, string[]>;
}

/** Refuses content that would produce a devkit tree our own reader rejects. */
function checkContent(content: VocYearContent): Map<string, VocAnnotation> {
  const byId = new Map<string, VocAnnotation>();
  const known = new Set(content.classes);
  if (known.size !== content.classes.length) throw new Error('writeVocYear: duplicate class names');
  for (const className of content.classes) {
    const bad = classNameProblem(className);
    if (bad !== undefined) throw new Error(`writeVocYear: ${bad}`);
  }
  for (const annotation of content.annotations) {
    const bad = idProblem(annotation.id);
    if (bad !== undefined) throw new Error(`writeVocYear: ${bad}`);
    if (byId.has(annotation.id)) throw new Error(`writeVocYear: two annotations with id "${annotation.id}"`);
    for (const object of annotation.objects) {
      if (!known.has(object.name)) {
        throw new Error(`writeVocYear: annotation "${annotation.id}" has an object of unknown class "${object.name}"`);
      }
    }
    byId.set(annotation.id, annotation);
  }
  for (const [split, ids] of Object.entries(content.splits)) {
    if (new Set(ids).size !== ids.length) throw new Error(`writeVocYear: split "${split}" lists an id twice`);
    for (const id of ids) {
      if (!byId.has(id)) throw new Error(`writeVocYear: split "${split}" lists "${id}", which has no annotation`);
    }
  }
  return byId;
}

/**
 * Writes a VOC<year> folder: Annotations/<id>.xml, ImageSets/Main/<split>.txt,
 * ImageSets/Main/<cls>_<split>.txt for every class and split, and classes.txt.
 * Every file is written atomically. Images (JPEGImages/) are the caller's job.
 * `durable: false` skips the per-file fsync: for a tree written into a staging folder that is
 * renamed into place as a whole (thousands of fsyncs otherwise dominate the time).
 */
export function writeVocYear(yearDir: string, content: VocYearContent, options: { durable?: boolean } = {}): void {
  const write = (path: string, text: string) => writeFileAtomic(path, text, { fsync: options.durable !== false });
  const byId = checkContent(content);
  const folder = basename(yearDir);
  for (const annotation of content.annotations) {
    const xml = annotationToXml(annotation, { folder, database: `The ${folder} Database` });
    write(vocPaths.annotation(yearDir, annotation.id), xml);
  }
  for (const [split, ids] of Object.entries(content.splits)) {
    write(vocPaths.imageSet(yearDir, split), formatImageSet(ids));
    for (const className of content.classes) {
      const entries = ids.map((id) => ({ id, label: classLabelFor(byId.get(id)!, className) }));
      write(vocPaths.classLabels(yearDir, className, split), formatClassLabels(entries));
    }
  }
  write(vocPaths.classes(yearDir), formatClassesFile(content.classes));
}
