import { existsSync, readdirSync } from 'node:fs';
import { InputError } from '@mgta/core';
import { collectAnnotationProblems } from './annotation-reader.ts';
import { resolveClasses } from './classes.ts';
import { classLabelFor } from './devkit-writer.ts';
import { parseClassLabels, parseImageSet } from './image-sets.ts';
import { resolveYearDir, vocPaths } from './layout.ts';
import { readTextFile } from './text.ts';
import type { VocAnnotation, VocProblem } from './types.ts';

/**
 * Checks a whole VOC<year> folder and returns every problem found (empty = valid), for
 * `mgta check-voc`. Checked: every split file and label file line, that each listed image
 * has an annotation that parses (all of its problems) and a JPEGImages file (existence only;
 * decoding is checked elsewhere), and that each <cls>_<split>.txt agrees with the annotations.
 * `checkImages: false` skips the JPEGImages checks, for evaluation-only trees without images.
 */
export function validateVocYear(options: {
  devkit: string;
  year: string;
  classes?: string[];
  checkImages?: boolean;
}): VocProblem[] {
  let yearDir: string;
  try {
    yearDir = resolveYearDir(options.devkit, options.year);
  } catch (error) {
    return [asProblem(error)];
  }
  const problems: VocProblem[] = [];
  let classes: string[] | undefined;
  try {
    classes = resolveClasses(yearDir, options.classes);
  } catch (error) {
    problems.push(asProblem(error)); // go on without class checks
  }

  const splits = findSplits(yearDir, classes ?? []);
  if (splits.length === 0) {
    problems.push({ file: vocPaths.imageSetsDir(yearDir), problem: 'holds no <split>.txt image set' });
  }
  const annotations = new AnnotationCache(yearDir, classes, options.checkImages ?? true, problems);
  for (const split of splits) {
    const ids = checkSplit(yearDir, split, annotations, problems);
    if (classes !== undefined) {
      for (const className of classes) checkClassLabels(yearDir, className, split, ids, annotations, problems);
    }
  }
  return problems;
}

/** An InputError as a problem; its message is "<file>[: line N][: field]: <problem>". */
function asProblem(error: unknown): VocProblem {
  if (!(error instanceof InputError)) throw error;
  const { file, line, field } = error;
  const location = [file, line !== undefined ? `line ${line}` : undefined, field].filter((part) => part !== undefined);
  return { file, line, field, problem: error.message.slice(location.join(': ').length + 2) };
}

/**
 * Split names: every ImageSets/Main/*.txt that is not a label file <cls>_<split>.txt of a
 * known class and an existing split (so a split may itself be named like "train_small").
 */
function findSplits(yearDir: string, classes: readonly string[]): string[] {
  const dir = vocPaths.imageSetsDir(yearDir);
  if (!existsSync(dir)) return [];
  const names = new Set(
    readdirSync(dir)
      .filter((file) => file.endsWith('.txt'))
      .map((file) => file.slice(0, -'.txt'.length)),
  );
  const isLabelFile = (name: string) =>
    classes.some((className) => name.startsWith(`${className}_`) && names.has(name.slice(className.length + 1)));
  return [...names].filter((name) => !isLabelFile(name)).sort();
}

/** Parses each annotation once, however many splits list it, and checks its image exists. */
class AnnotationCache {
  private readonly parsed = new Map<string, VocAnnotation | undefined>();
  private readonly checkImages: boolean;

  constructor(
    private readonly yearDir: string,
    private readonly classes: string[] | undefined,
    checkImages: boolean,
    private readonly problems: VocProblem[],
  ) {
    // A missing JPEGImages/ is one problem, not one per image.
    const imagesDirExists = existsSync(vocPaths.imagesDir(yearDir));
    if (checkImages && !imagesDirExists) problems.push({ file: vocPaths.imagesDir(yearDir), problem: 'folder does not exist' });
    this.checkImages = checkImages && imagesDirExists;
  }

  /** The annotation, or undefined if it is missing or has problems (then already reported). */
  get(id: string, listedIn: { file: string; line: number }): VocAnnotation | undefined {
    if (this.parsed.has(id)) return this.parsed.get(id);
    const file = vocPaths.annotation(this.yearDir, id);
    let annotation: VocAnnotation | undefined;
    if (!existsSync(file)) {
      this.problems.push({ ...listedIn, problem: `image "${id}" has no annotation file ${file}` });
    } else {
      const result = collectAnnotationProblems(readTextFile(file), file, { classes: this.classes });
      this.problems.push(...result.problems);
      annotation = result.annotation;
    }
    if (annotation !== undefined && this.checkImages) {
      const image = vocPaths.image(this.yearDir, annotation.filename);
      if (!existsSync(image)) this.problems.push({ file: image, problem: `image of annotation "${id}" does not exist` });
    }
    this.parsed.set(id, annotation);
    return annotation;
  }
}

function checkSplit(yearDir: string, split: string, annotations: AnnotationCache, problems: VocProblem[]): string[] {
  const file = vocPaths.imageSet(yearDir, split);
  const { value: entries, problems: lineProblems } = parseImageSet(readTextFile(file), file);
  problems.push(...lineProblems);
  if (entries.length === 0) problems.push({ file, problem: 'lists no images' });
  for (const { id, line } of entries) annotations.get(id, { file, line });
  return entries.map(({ id }) => id);
}

const LABEL_MEANING = '1 = a non-difficult object of the class, 0 = only difficult ones, -1 = none';

function checkClassLabels(
  yearDir: string,
  className: string,
  split: string,
  splitIds: readonly string[],
  annotations: AnnotationCache,
  problems: VocProblem[],
): void {
  const file = vocPaths.classLabels(yearDir, className, split);
  const splitFile = vocPaths.imageSet(yearDir, split);
  if (!existsSync(file)) {
    problems.push({ file, problem: `label file of class "${className}" for split "${split}" does not exist` });
    return;
  }
  const { value: entries, problems: lineProblems } = parseClassLabels(readTextFile(file), file);
  problems.push(...lineProblems);
  const inSplit = new Set(splitIds);
  const labelled = new Set(entries.map(({ id }) => id));
  for (const { id, label, line } of entries) {
    if (!inSplit.has(id)) {
      problems.push({ file, line, problem: `image "${id}" is not in ${splitFile}` });
      continue;
    }
    const annotation = annotations.get(id, { file, line });
    if (annotation === undefined) continue; // its problems are already reported
    const expected = classLabelFor(annotation, className);
    if (label !== expected) {
      problems.push({ file, line, problem: `label of "${id}" is ${label}, its annotation implies ${expected} (${LABEL_MEANING})` });
    }
  }
  const unlabelled = splitIds.filter((id) => !labelled.has(id));
  if (unlabelled.length > 0) {
    const shown = unlabelled.slice(0, 5).map((id) => `"${id}"`).join(', ');
    const more = unlabelled.length > 5 ? ` and ${unlabelled.length - 5} more` : '';
    problems.push({ file, problem: `has no line for ${unlabelled.length} image(s) of ${splitFile}: ${shown}${more}` });
  }
}
