import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InputError, writeJsonAtomic } from '@mgta/core';
import { refuseToOverwriteInput, type EvaluationResult } from '@mgta/results-schema';
import { evaluateClassification, evaluateDetections } from '@mgta/voc-eval';
import { formatResultTable } from './format-table.ts';

// The command definitions live in commands.ts (cheap to load); they import this file when run.
export { registerEvalCommands } from './commands.ts';

export interface EvalCommandOptions {
  devkit: string;
  year: string;
  split: string;
  results: string;
  /** Comma-separated class list, as given on the command line. */
  classes?: string;
  /** Where to write the JSON result. */
  json?: string;
  /** IoU threshold (eval-det only), as given on the command line. */
  iou?: string;
  /** Score a class without a result file as AP 0 instead of failing. */
  allowMissing?: boolean;
}

export interface EvalIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

const processIo: EvalIo = { out: (text) => process.stdout.write(text), err: (text) => process.stderr.write(text) };

/** `mgta eval-det`: detection AP of comp4_det_<split>_<cls>.txt files. */
export function runEvalDet(options: EvalCommandOptions, io: EvalIo = processIo): EvaluationResult {
  const iouThreshold = parseIou(options.iou);
  checkJsonTarget(options, 'comp4_det');
  const result = evaluateDetections({ ...common(options), iouThreshold });
  return report(result, `VOC${options.year} ${options.split} detection AP (%) at IoU > ${iouThreshold}`, options, io);
}

/** `mgta eval-cls`: classification AP of comp1_cls_<split>_<cls>.txt files. */
export function runEvalCls(options: EvalCommandOptions, io: EvalIo = processIo): EvaluationResult {
  checkJsonTarget(options, 'comp1_cls');
  const result = evaluateClassification(common(options));
  return report(result, `VOC${options.year} ${options.split} classification AP (%)`, options, io);
}

function common(options: EvalCommandOptions) {
  return {
    devkit: options.devkit,
    year: options.year,
    split: options.split,
    resultsDir: options.results,
    classes: parseClasses(options.classes),
    // The JSON holds only the APs; curves are for the in-process API.
    maxPrPoints: 0,
    allowMissing: options.allowMissing === true,
  };
}

/** --json must not land on a result file or a devkit file that this run reads. */
function checkJsonTarget(options: EvalCommandOptions, competition: 'comp4_det' | 'comp1_cls'): void {
  if (options.json === undefined) return;
  const dir = options.results;
  const prefix = `${competition}_${options.split}_`;
  const resultFiles = existsSync(dir) && statSync(dir).isDirectory()
    ? readdirSync(dir).filter((name) => name.startsWith(prefix) && name.endsWith('.txt')).map((name) => join(dir, name))
    : [];
  refuseToOverwriteInput('--json', options.json, { files: resultFiles, folders: [options.devkit] });
}

function report(result: EvaluationResult, title: string, options: EvalCommandOptions, io: EvalIo): EvaluationResult {
  io.out(formatResultTable(result, title));
  if (result.missing !== undefined) io.err(`warning: ${options.results} has no result file for ${result.missing.join(', ')}; scored AP 0 (--allow-missing)\n`);
  if (options.json !== undefined) writeJsonAtomic(options.json, result);
  return result;
}

function parseClasses(list: string | undefined): string[] | undefined {
  if (list === undefined) return undefined;
  const classes = list.split(',').map((name) => name.trim());
  if (classes.some((name) => name.length === 0)) throw new InputError('--classes', `"${list}" has an empty class name`);
  return classes;
}

function parseIou(text: string | undefined): number {
  if (text === undefined) return 0.5;
  const value = Number(text);
  if (text.trim() === '' || !(value > 0 && value < 1)) throw new InputError('--iou', `"${text}" is not a number between 0 and 1`);
  return value;
}
