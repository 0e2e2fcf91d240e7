import { join } from 'node:path';
import { writeFileAtomic } from '@mgta/core';
import type { DetectionRow } from './ground-truth.ts';

/**
 * The devkit's result-file names (VOCdevkit VOCinit.m: `%s_det_<testset>_%s.txt` with
 * competition comp4 = detection on own data, comp1 = classification on VOC data only).
 */
export const detectionResultsFile = (dir: string, split: string, cls: string): string => join(dir, `comp4_det_${split}_${cls}.txt`);
export const classificationResultsFile = (dir: string, split: string, cls: string): string => join(dir, `comp1_cls_${split}_${cls}.txt`);

/**
 * Writes `<id> <score> <x1> <y1> <x2> <y2>` lines, boxes in VOC pixels (1-based inclusive).
 * Numbers are written in full (shortest round-trip form), not Detectron's `%.3f` scores,
 * so that re-reading the file ranks detections exactly as in memory. Returns the path.
 */
export function writeDetectionResults(dir: string, split: string, cls: string, rows: readonly DetectionRow[]): string {
  const lines: string[] = [];
  for (const { imageId, score, box } of rows) {
    checkRow(imageId, [score, ...box]);
    lines.push(`${imageId} ${score} ${box[0]} ${box[1]} ${box[2]} ${box[3]}\n`);
  }
  const path = detectionResultsFile(dir, split, cls);
  writeFileAtomic(path, lines.join(''));
  return path;
}

/** Writes `<id> <score>` lines (full precision). Returns the path. */
export function writeClassificationResults(
  dir: string,
  split: string,
  cls: string,
  rows: ReadonlyArray<{ imageId: string; score: number }>,
): string {
  const lines: string[] = [];
  for (const { imageId, score } of rows) {
    checkRow(imageId, [score]);
    lines.push(`${imageId} ${score}\n`);
  }
  const path = classificationResultsFile(dir, split, cls);
  writeFileAtomic(path, lines.join(''));
  return path;
}

function checkRow(imageId: string, numbers: number[]): void {
  if (imageId.length === 0 || /\s/.test(imageId)) throw new Error(`image id ${JSON.stringify(imageId)} is empty or contains whitespace`);
  for (const value of numbers) {
    if (!Number.isFinite(value)) throw new Error(`image "${imageId}": ${value} is not a finite number`);
  }
}
