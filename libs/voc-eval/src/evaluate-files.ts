import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { InputError } from '@mgta/core';
import type { ClassAp, EvaluationResult } from '@mgta/results-schema';
import { loadVocSplit, readClassLabels, readImageSet, resolveClasses, resolveYearDir } from '@mgta/voc';
import { evaluateClassScores } from './classification.ts';
import { COCO_STYLE_IOU_THRESHOLDS, evaluateClassDetectionsAtThresholds } from './detection.ts';
import { FileBytesReader } from './file-bytes.ts';
import { buildDetectionGroundTruth, indexImages } from './ground-truth.ts';
import { parseClassificationResults, parseDetectionResults } from './parse-results.ts';
import { classificationResultsFile, detectionResultsFile } from './result-files.ts';
import { summarize } from './summary.ts';

export interface EvaluateFilesOptions {
  /** VOCdevkit folder (holding VOC<year>/) or the VOC<year> folder itself. */
  devkit: string;
  year: string;
  split: string;
  /** Folder with the comp4_det_* / comp1_cls_* files. */
  resultsDir: string;
  /** Classes to evaluate; default the devkit's (classes.txt, else the 20 VOC classes). */
  classes?: string[];
  /** Precision–recall points kept per class; 0 leaves them out. Default 200. */
  maxPrPoints?: number;
  /**
   * Score a class whose result file is missing as AP 0 (listed in the result's `missing`)
   * instead of refusing. A missing file is usually a typo in the folder or split, or a
   * crashed run, so it is an error unless asked for; an empty file is always AP 0.
   */
  allowMissing?: boolean;
}

type ResultFileOf = (dir: string, split: string, cls: string) => string;

/** Detection AP of every class from `comp4_det_<split>_<cls>.txt` files (voc_eval.py semantics). */
export function evaluateDetections(options: EvaluateFilesOptions & { iouThreshold?: number }): EvaluationResult {
  return evaluateDetectionsAtThresholds(options, [options.iouThreshold ?? 0.5])[0];
}

/**
 * Detection results at several IoU thresholds (e.g. {@link COCO_STYLE_IOU_THRESHOLDS}),
 * reading and ranking each file once.
 */
export function evaluateDetectionsAtThresholds(options: EvaluateFilesOptions, iouThresholds: readonly number[] = COCO_STYLE_IOU_THRESHOLDS): EvaluationResult[] {
  const split = loadVocSplit({ devkit: options.devkit, year: options.year, split: options.split });
  const classes = chooseClasses(split.classes, options.classes);
  const missing = findMissingFiles(options, classes, detectionResultsFile);
  const gt = buildDetectionGroundTruth(split.ids, split.annotations, classes);
  const imageIndex = indexImages(split.ids);
  const perThreshold: Array<Record<string, ClassAp>> = iouThresholds.map(() => ({}));
  const reader = new FileBytesReader();
  for (const cls of classes) {
    const file = detectionResultsFile(options.resultsDir, options.split, cls);
    const dets = parseDetectionResults(file, missing.includes(cls) ? '' : reader.read(file), imageIndex, options.split);
    const results = evaluateClassDetectionsAtThresholds(gt.get(cls)!, dets, iouThresholds, { maxPrPoints: options.maxPrPoints });
    results.forEach((result, t) => (perThreshold[t][cls] = result));
  }
  return perThreshold.map((perClass) => withMissing(summarize(perClass), missing));
}

/**
 * Classification AP of every class from `comp1_cls_<split>_<cls>.txt` files (VOCevalcls.m
 * semantics), with ground truth from the `<cls>_<split>.txt` label files.
 */
export function evaluateClassification(options: EvaluateFilesOptions): EvaluationResult {
  const yearDir = resolveYearDir(options.devkit, options.year);
  const classes = chooseClasses(resolveClasses(yearDir), options.classes);
  const missing = findMissingFiles(options, classes, classificationResultsFile);
  const ids = readImageSet(yearDir, options.split);
  const imageIndex = indexImages(ids);
  const perClass: Record<string, ClassAp> = {};
  const reader = new FileBytesReader();
  for (const cls of classes) {
    const labels = labelsInSplitOrder(yearDir, cls, options.split, imageIndex);
    const file = classificationResultsFile(options.resultsDir, options.split, cls);
    const scores = parseClassificationResults(file, missing.includes(cls) ? '' : reader.read(file), imageIndex, options.split);
    perClass[cls] = scores.some((score) => score !== -Infinity)
      ? evaluateClassScores(labels, scores, { maxPrPoints: options.maxPrPoints })
      : noSubmission(labels, options.maxPrPoints);
  }
  return withMissing(summarize(perClass), missing);
}

/**
 * An empty or missing classification file scores AP 0, like an empty detection file.
 * (VOCevalcls.m would rank every image at -inf in split order and report the AP of
 * that arbitrary order; no submission should not earn a score.)
 */
function noSubmission(labels: Int8Array, maxPrPoints = 200): ClassAp {
  const npos = labels.filter((label) => label === 1).length;
  const result: ClassAp = npos === 0 ? { ap: null, ap07: null, npos } : { ap: 0, ap07: 0, npos };
  if (npos > 0 && maxPrPoints > 0) result.pr = { recall: [], precision: [] };
  return result;
}

/** The label file's labels, reordered to the split's order; both must list the same images. */
function labelsInSplitOrder(yearDir: string, cls: string, split: string, imageIndex: ReadonlyMap<string, number>): Int8Array {
  const entries = readClassLabels(yearDir, cls, split);
  const file = join(yearDir, 'ImageSets', 'Main', `${cls}_${split}.txt`);
  const labels = new Int8Array(imageIndex.size);
  const seen = new Uint8Array(imageIndex.size);
  for (const { id, label } of entries) {
    const i = imageIndex.get(id);
    if (i === undefined) throw new InputError(file, `image "${id}" is not in ImageSets/Main/${split}.txt`);
    labels[i] = label;
    seen[i] = 1;
  }
  const missing = [...imageIndex.keys()].filter((_, i) => !seen[i]);
  if (missing.length > 0) {
    throw new InputError(file, `has no label for ${missing.length} image(s) of ImageSets/Main/${split}.txt, e.g. "${missing[0]}"`);
  }
  return labels;
}

function chooseClasses(known: readonly string[], requested: readonly string[] | undefined): string[] {
  if (requested === undefined || requested.length === 0) return [...known];
  for (const cls of requested) {
    if (!known.includes(cls)) throw new InputError('--classes', `unknown class "${cls}"; the devkit's classes are ${known.join(', ')}`);
  }
  if (new Set(requested).size !== requested.length) throw new InputError('--classes', 'lists a class twice');
  return [...requested];
}

/**
 * The classes without a result file. None found at all is always an error (an empty or wrong
 * folder, or another split's files: AP 0 everywhere would look like a result); some missing
 * is an error unless `allowMissing`, as voc_eval.py and the devkit fail on a missing file.
 */
function findMissingFiles(options: EvaluateFilesOptions, classes: readonly string[], fileOf: ResultFileOf): string[] {
  const dir = options.resultsDir;
  if (!existsSync(dir)) throw new InputError(dir, 'results folder does not exist');
  if (!statSync(dir).isDirectory()) throw new InputError(dir, 'is a file, not the folder of result files (--results)');
  const missing = classes.filter((cls) => !existsSync(fileOf(dir, options.split, cls)));
  const pattern = basename(fileOf(dir, options.split, '<class>'));
  if (missing.length === classes.length) {
    const present = readdirSync(dir).filter((name) => !name.startsWith('.'));
    const found = present.length === 0 ? 'the folder is empty' : `it holds ${present.length} other file(s), e.g. ${present.slice(0, 3).join(', ')}`;
    throw new InputError(dir, `no result file ${pattern} for any of the ${classes.length} class(es) (${found}); check --results and --split`);
  }
  if (missing.length > 0 && !options.allowMissing) {
    throw new InputError(dir, `no result file ${pattern} for ${missing.length} of ${classes.length} classes: ${missing.join(', ')} (--allow-missing scores them AP 0)`);
  }
  return missing;
}

function withMissing(result: EvaluationResult, missing: string[]): EvaluationResult {
  return missing.length > 0 ? { ...result, missing } : result;
}
