import { existsSync, readFileSync } from 'node:fs';
import { InputError, machineInfo, startProgress, writeJsonAtomic, type Progress } from '@mgta/core';
import { readNpy, type NpyMatrix } from '@mgta/features/npy';
import { recordedPath, refuseToOverwriteInput } from '@mgta/results-schema';
import {
  COST_LISTS,
  GOYAL2019_PROTOCOL,
  LOW_SHOT_PROTOCOL_NOTES,
  NoPositivesError,
  parseCosts,
  parseLowShotK,
  runLowShotSvm,
  runVocSvm,
  type LowShotProtocol,
  type LowShotResult,
  type SolverName,
  type SvmProtocol,
  type SvmRunResult,
} from '@mgta/svm';
import { readClassLabels, readImageSet, resolveClasses, resolveYearDir } from '@mgta/voc';
import { SOLVERS } from './commands.ts';
import { checkSameFeatureSource } from './feature-provenance.ts';
import { formatLowShotTable } from './low-shot-table.ts';

export interface SvmVocOptions {
  devkit: string;
  year: string;
  train: string;
  test: string;
  trainSplit: string;
  testSplit: string;
  costs: string;
  solver: string;
  classes?: string;
  threads?: string;
  json?: string;
  /** `--low-shot`: true (the bare flag: Goyal's k list) or a k list. */
  lowShot?: string | true;
  lowShotSamples?: string;
  seed?: string;
}

export interface SvmVocIo {
  out: (text: string) => void;
}

/**
 * `mgta svm-voc`: the VOC07 linear-SVM benchmark on frozen features (.npy + ids .json), and with
 * `--low-shot` Goyal's low-shot SVM on the same features after it.
 */
export async function runSvmVoc(options: SvmVocOptions, io: SvmVocIo = { out: (t) => process.stdout.write(t) }): Promise<SvmRunResult & { lowShot?: LowShotResult }> {
  const solver = options.solver as SolverName;
  if (!SOLVERS.includes(solver)) throw new InputError('--solver', `"${options.solver}" is not one of ${SOLVERS.join(', ')}`);
  let costs: number[];
  try {
    costs = parseCosts(options.costs);
  } catch (error) {
    throw new InputError('--costs', (error as Error).message);
  }
  const threads = options.threads === undefined ? undefined : Number(options.threads);
  if (threads !== undefined && !(Number.isInteger(threads) && threads >= 0)) throw new InputError('--threads', `"${options.threads}" is not a non-negative integer`);
  const lowShot = parseLowShotOptions(options);

  const yearDir = resolveYearDir(options.devkit, options.year);
  if (options.json !== undefined) {
    const files = [options.train, options.test, idsPathOf(options.train), idsPathOf(options.test)];
    refuseToOverwriteInput('--json', options.json, { files, folders: [yearDir] });
  }
  const classes = resolveClasses(yearDir, options.classes?.split(',').map((c) => c.trim()));
  const train = loadFeatures(options.train, readImageSet(yearDir, options.trainSplit), options.trainSplit);
  const test = loadFeatures(options.test, readImageSet(yearDir, options.testSplit), options.testSplit);
  if (train.matrix.cols !== test.matrix.cols) {
    throw new InputError(options.test, `has ${test.matrix.cols} feature dimensions, ${options.train} has ${train.matrix.cols}`);
  }
  checkSameFeatureSource({ file: idsPathOf(options.train), meta: train.meta }, { file: idsPathOf(options.test), meta: test.meta });
  const svmClasses = classes.map((name) => ({
    name,
    trainLabels: labelsInOrder(yearDir, name, options.trainSplit, train.ids),
    testLabels: labelsInOrder(yearDir, name, options.testSplit, test.ids),
  }));
  const protocol: SvmProtocol = { ...GOYAL2019_PROTOCOL, solver, costs };
  let progress: Progress | undefined;
  let result: SvmRunResult;
  try {
    let last = 0;
    result = await runVocSvm(train.matrix, test.matrix, svmClasses, protocol, {
      threads,
      onProgress: (done, all) => {
        progress ??= startProgress('svm-voc tasks', all);
        progress.tick(done - last);
        last = done;
      },
    });
  } catch (error) {
    if (error instanceof NoPositivesError) {
      throw new InputError(`${options.trainSplit} labels`, `${error.message} (ImageSets/Main/${error.className}_${options.trainSplit}.txt has no label 1)`);
    }
    throw error;
  } finally {
    progress?.stop();
  }
  io.out(formatSvmTable(result, `VOC${options.year} linear SVM (${solver}, costs ${options.costs}): ${options.trainSplit} → ${options.testSplit}`));
  let lowShotResult: LowShotResult | undefined;
  if (lowShot !== undefined) {
    let lowShotProgress: Progress | undefined;
    let last = 0;
    try {
      lowShotResult = await runLowShotSvm(train.matrix, test.matrix, svmClasses, protocol, lowShot, {
        threads,
        onProgress: (done, all) => {
          lowShotProgress ??= startProgress('svm-voc low-shot fits', all);
          lowShotProgress.tick(done - last);
          last = done;
        },
      });
    } finally {
      lowShotProgress?.stop();
    }
    io.out(formatLowShotTable(lowShotResult, `VOC${options.year} low-shot linear SVM (Goyal et al. 2019), test mAP over ${lowShot.samples} samples at the best cost per k`));
  }
  if (options.json !== undefined) {
    writeJsonAtomic(options.json, {
      benchmark: 'voc07-svm',
      createdAt: new Date().toISOString(),
      dataset: { devkit: recordedPath(options.devkit), year: options.year, trainSplit: options.trainSplit, testSplit: options.testSplit },
      features: { train: recordedPath(options.train), test: recordedPath(options.test), dimensions: train.matrix.cols },
      protocol: {
        ...protocol,
        costList: COST_LISTS[options.costs] !== undefined ? options.costs : 'explicit',
        ...(lowShot !== undefined ? { lowShot: { ...lowShot, ...LOW_SHOT_PROTOCOL_NOTES } } : {}),
      },
      execution: { machine: machineInfo(), threads: result.threads, engine: result.engine },
      result: { ...result, classes: result.classes.map(({ testScores: _scores, ...rest }) => rest) },
      ...(lowShotResult !== undefined ? { lowShot: lowShotResult } : {}),
    });
  }
  return lowShotResult !== undefined ? { ...result, lowShot: lowShotResult } : result;
}

/** `--low-shot`, `--low-shot-samples` and `--seed`, checked before any work; undefined without `--low-shot`. */
function parseLowShotOptions(options: SvmVocOptions): LowShotProtocol | undefined {
  if (options.lowShot === undefined) return undefined;
  let kValues: number[];
  try {
    kValues = parseLowShotK(options.lowShot);
  } catch (error) {
    throw new InputError('--low-shot', (error as Error).message);
  }
  const samples = Number(options.lowShotSamples ?? '5');
  if (!(Number.isInteger(samples) && samples >= 1)) throw new InputError('--low-shot-samples', `"${options.lowShotSamples}" is not a positive integer`);
  const seed = Number(options.seed ?? '0');
  if (!(Number.isInteger(seed) && seed >= 0)) throw new InputError('--seed', `"${options.seed}" is not a non-negative integer`);
  return { kValues, samples, seed };
}

interface LoadedFeatures {
  matrix: NpyMatrix;
  ids: string[];
  /** The whole sidecar: `mgta extract` records the model, layer, pooling and image size there. */
  meta: unknown;
}

function idsPathOf(npyPath: string): string {
  return npyPath.replace(/\.npy$/i, '') + '.json';
}

/** The .npy and its ids file `<name>.json` ({"ids": [...]}, one id per row), checked against the split. */
function loadFeatures(npyPath: string, splitIds: string[], split: string): LoadedFeatures {
  const matrix = readNpy(npyPath);
  const idsPath = idsPathOf(npyPath);
  if (!existsSync(idsPath)) throw new InputError(idsPath, `ids file of ${npyPath} does not exist (expected {"ids": [...]} beside the .npy)`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(idsPath, 'utf8'));
  } catch (error) {
    throw new InputError(idsPath, `is not valid JSON (${(error as Error).message})`);
  }
  const ids = (parsed as { ids?: unknown }).ids;
  if (!Array.isArray(ids) || ids.some((id) => typeof id !== 'string')) {
    throw new InputError(idsPath, 'expected an "ids" array of image id strings', { field: 'ids' });
  }
  if (ids.length !== matrix.rows) {
    throw new InputError(idsPath, `lists ${ids.length} ids but ${npyPath} has ${matrix.rows} rows`, { field: 'ids' });
  }
  if (ids.length !== splitIds.length) {
    throw new InputError(idsPath, `lists ${ids.length} ids but split "${split}" has ${splitIds.length} images`, { field: 'ids' });
  }
  for (let i = 0; i < ids.length; i++) {
    if (ids[i] !== splitIds[i]) {
      throw new InputError(idsPath, `id ${i} is "${ids[i]}" but image ${i} of split "${split}" is "${splitIds[i]}" (features must be in split order)`, { field: 'ids' });
    }
  }
  for (let i = 0; i < matrix.data.length; i++) {
    if (!Number.isFinite(matrix.data[i])) {
      throw new InputError(npyPath, `non-finite value ${matrix.data[i]} at row ${Math.floor(i / matrix.cols)} (image "${ids[Math.floor(i / matrix.cols)]}"), column ${i % matrix.cols}`);
    }
  }
  return { matrix, ids: ids as string[], meta: parsed };
}

function labelsInOrder(yearDir: string, className: string, split: string, ids: string[]): Int8Array {
  const entries = readClassLabels(yearDir, className, split);
  const byId = new Map(entries.map((entry) => [entry.id, entry.label]));
  return Int8Array.from(ids, (id) => {
    const label = byId.get(id);
    if (label === undefined) throw new InputError(`${className}_${split}.txt`, `has no label for image "${id}" of split "${split}"`);
    return label;
  });
}

export function formatSvmTable(result: SvmRunResult, title: string): string {
  const pct = (v: number | null) => (v === null ? 'n/a' : (100 * v).toFixed(2)).padStart(7);
  const width = Math.max(5, ...result.classes.map((c) => c.name.length));
  const lines = [title, `${'class'.padEnd(width)}  ${'cost'.padStart(10)}  ${'CV AP'.padStart(7)}  ${'AP'.padStart(7)}  ${'AP 11pt'.padStart(7)}`];
  for (const c of result.classes) {
    const flag = c.unconverged > 0 ? `  (${c.unconverged} fits hit max_iter)` : '';
    lines.push(`${c.name.padEnd(width)}  ${c.cost.toPrecision(4).padStart(10)}  ${pct(c.cvAp)}  ${pct(c.testAp)}  ${pct(c.testAp07)}${flag}`);
  }
  lines.push(`${'mean'.padEnd(width)}  ${''.padStart(10)}  ${pct(result.meanCvAp)}  ${pct(result.meanTestAp)}  ${pct(result.meanTestAp07)}`);
  lines.push(`(${result.engine} engine, ${result.threads} threads, ${result.seconds.total.toFixed(1)} s)`);
  return lines.join('\n') + '\n';
}
