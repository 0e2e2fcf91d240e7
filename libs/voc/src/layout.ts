import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '@mgta/core';

/**
 * Where each file of a VOC<year> folder lives, as laid out by the PASCAL VOC devkit:
 *   Annotations/<id>.xml, ImageSets/Main/<split>.txt, ImageSets/Main/<cls>_<split>.txt,
 *   JPEGImages/<filename>, and our optional classes.txt.
 */
export const vocPaths = {
  annotationsDir: (yearDir: string) => join(yearDir, 'Annotations'),
  annotation: (yearDir: string, id: string) => join(yearDir, 'Annotations', `${id}.xml`),
  imageSetsDir: (yearDir: string) => join(yearDir, 'ImageSets', 'Main'),
  imageSet: (yearDir: string, split: string) => join(yearDir, 'ImageSets', 'Main', `${split}.txt`),
  classLabels: (yearDir: string, className: string, split: string) =>
    join(yearDir, 'ImageSets', 'Main', `${className}_${split}.txt`),
  imagesDir: (yearDir: string) => join(yearDir, 'JPEGImages'),
  image: (yearDir: string, filename: string) => join(yearDir, 'JPEGImages', filename),
  classes: (yearDir: string) => join(yearDir, 'classes.txt'),
};

/**
 * Image ids become file names, so they must be one path component: no whitespace
 * (the label files are whitespace-separated), no slashes, not "." or "..".
 */
export function idProblem(id: string): string | undefined {
  if (id.length === 0) return 'empty image id';
  if (/[\s/\\]/.test(id)) return `image id ${JSON.stringify(id)} contains whitespace or a slash`;
  if (id === '.' || id === '..') return `image id ${JSON.stringify(id)} is not a file name`;
  return undefined;
}

function isDirectory(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory();
}

/**
 * `devkit` may be the VOCdevkit folder (holding VOC<year>/) or the VOC<year> folder itself,
 * recognised by its Annotations/ or ImageSets/ subfolder.
 */
export function resolveYearDir(devkit: string, year: string): string {
  if (!isDirectory(devkit)) throw new InputError(devkit, 'VOC devkit folder does not exist');
  if (isDirectory(join(devkit, 'Annotations')) || isDirectory(join(devkit, 'ImageSets'))) return devkit;
  const yearDir = join(devkit, `VOC${year}`);
  if (!isDirectory(yearDir)) {
    throw new InputError(devkit, `has neither a VOC${year}/ folder nor Annotations/ or ImageSets/ folders`);
  }
  return yearDir;
}
