import type { Command } from 'commander';
import { InputError, writeJsonAtomic } from '@mgta/core';
import type { EvaluationResult } from '@mgta/results-schema';
import { evaluateClassification, evaluateDetections } from '@mgta/voc-eval';
import { formatResultTable } from './format-table.ts';

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
}

export interface EvalIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

const processIo: EvalIo = { out: (text) => process.stdout.write(text), err: (text) => process.stderr.write(text) };

/** `mgta eval-det`: detection AP of comp4_det_<split>_<cls>.txt files. */
export function runEvalDet(options: EvalCommandOptions, io: EvalIo = processIo): EvaluationResult {
  const iouThreshold = parseIou(options.iou);
  const result = evaluateDetections({ ...common(options, io), iouThreshold });
  return report(result, `VOC${options.year} ${options.split} detection AP (%) at IoU > ${iouThreshold}`, options, io);
}

/** `mgta eval-cls`: classification AP of comp1_cls_<split>_<cls>.txt files. */
export function runEvalCls(options: EvalCommandOptions, io: EvalIo = processIo): EvaluationResult {
  const result = evaluateClassification(common(options, io));
  return report(result, `VOC${options.year} ${options.split} classification AP (%)`, options, io);
}

export function registerEvalCommands(program: Command): void {
  const shared = (command: Command): Command =>
    command
      .requiredOption('--devkit <dir>', 'VOCdevkit folder (holding VOC<year>/) or the VOC<year> folder')
      .option('--year <year>', 'VOC year', '2007')
      .option('--split <split>', 'image set of ImageSets/Main', 'test')
      .requiredOption('--results <dir>', 'folder with the result files')
      .option('--classes <list>', 'comma-separated classes (default: classes.txt or the 20 VOC classes)')
      .option('--json <file>', 'also write the result as JSON');
  shared(program.command('eval-det').description('VOC detection AP of comp4_det_<split>_<cls>.txt files (Detectron voc_eval semantics)'))
    .option('--iou <threshold>', 'IoU a detection must exceed to match', '0.5')
    .action((options: EvalCommandOptions) => {
      runEvalDet(options);
    });
  shared(program.command('eval-cls').description('VOC classification AP of comp1_cls_<split>_<cls>.txt files (VOCevalcls semantics)')).action(
    (options: EvalCommandOptions) => {
      runEvalCls(options);
    },
  );
}

function common(options: EvalCommandOptions, io: EvalIo) {
  return {
    devkit: options.devkit,
    year: options.year,
    split: options.split,
    resultsDir: options.results,
    classes: parseClasses(options.classes),
    // The JSON holds only the APs; curves are for the in-process API.
    maxPrPoints: 0,
    onMissingFile: (file: string, cls: string) => io.err(`warning: ${file} does not exist; AP of ${cls} is 0\n`),
  };
}

function report(result: EvaluationResult, title: string, options: EvalCommandOptions, io: EvalIo): EvaluationResult {
  io.out(formatResultTable(result, title));
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
