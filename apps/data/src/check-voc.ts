import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { InputError } from '@mgta/core';
import { readAnnotation, resolveClasses, resolveYearDir, validateVocYear, type VocProblem } from '@mgta/voc';
import { processIo, type DataIo } from './io.ts';

export interface CheckVocOptions {
  devkit: string;
  year: string;
}

/** Images decoded at once. */
const DECODE_CONCURRENCY = 4;

/**
 * Every problem of a VOC<year> folder: libs/voc's structural checks, plus that every annotated
 * image decodes as a JPEG and has the size and depth its annotation states.
 */
export async function checkVoc(options: CheckVocOptions): Promise<{ problems: VocProblem[]; images: number }> {
  const problems = validateVocYear({ devkit: options.devkit, year: options.year });
  let yearDir: string;
  let classes: string[];
  try {
    yearDir = resolveYearDir(options.devkit, options.year);
    classes = resolveClasses(yearDir);
  } catch {
    return { problems, images: 0 }; // already reported by validateVocYear
  }
  const annotationsDir = join(yearDir, 'Annotations');
  const ids = existsSync(annotationsDir)
    ? readdirSync(annotationsDir).filter((f) => f.endsWith('.xml')).map((f) => f.slice(0, -4)).sort()
    : [];
  const jobs = ids.map((id) => async (): Promise<VocProblem[]> => {
    let annotation;
    try {
      annotation = readAnnotation(yearDir, id, { classes });
    } catch (error) {
      if (error instanceof InputError) return []; // validateVocYear reports listed ones; unlisted ones are not used
      throw error;
    }
    const file = join(yearDir, 'JPEGImages', annotation.filename);
    if (!existsSync(file)) return []; // reported by validateVocYear for listed images
    return checkImage(file, annotation.size);
  });
  let next = 0;
  const found: VocProblem[][] = new Array(jobs.length);
  await Promise.all(Array.from({ length: DECODE_CONCURRENCY }, async () => {
    while (next < jobs.length) {
      const index = next++;
      found[index] = await jobs[index]();
    }
  }));
  problems.push(...found.flat());
  return { problems, images: ids.length };
}

async function checkImage(file: string, size: { width: number; height: number; depth: number }): Promise<VocProblem[]> {
  try {
    const image = sharp(file, { failOn: 'error' });
    const meta = await image.metadata();
    if (meta.format !== 'jpeg') return [{ file, problem: `is ${meta.format ?? 'an unknown format'}, not a JPEG` }];
    const { info } = await image.raw().toBuffer({ resolveWithObject: true }); // decodes every scan line
    const problems: VocProblem[] = [];
    if (info.width !== size.width || info.height !== size.height) {
      problems.push({ file, problem: `is ${info.width}x${info.height}, its annotation says ${size.width}x${size.height}` });
    }
    if (info.channels !== size.depth) {
      problems.push({ file, problem: `has ${info.channels} channels, its annotation says depth ${size.depth}` });
    }
    return problems;
  } catch (error) {
    return [{ file, problem: `does not decode as a JPEG (${(error as Error).message})` }];
  }
}

export function formatProblem(p: VocProblem): string {
  return [p.file, p.line !== undefined ? `line ${p.line}` : undefined, p.field, p.problem].filter((part) => part !== undefined).join(': ');
}

/** `mgta check-voc`: prints every problem; fails if there is any. */
export async function runCheckVoc(options: CheckVocOptions, io: DataIo = processIo): Promise<void> {
  const { problems, images } = await checkVoc(options);
  for (const problem of problems) io.err(`${formatProblem(problem)}\n`);
  if (problems.length > 0) {
    throw new InputError(options.devkit, `VOC${options.year}: ${problems.length} problem(s) found`);
  }
  io.out(`VOC${options.year} at ${options.devkit}: OK (${images} annotated images decode and match their annotations)\n`);
}
