import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative, sep } from 'node:path';
import { InputError } from '@mgta/core';
import { RESULTS_SCHEMA_VERSION, type Voc07ClsRecord, type VocDetRecord } from '@mgta/results-schema';

/** The bench records the tables and report are built from. */
export type BenchRecord = Voc07ClsRecord | VocDetRecord;

export interface LoadedRecord {
  /** Path as given (relative to the cwd when the results folder was). */
  file: string;
  /** `<preset>` or `<preset>-<data name>`: the file's base name, which names its section. */
  section: string;
  record: BenchRecord;
}

/** Folders under results/ that hold something other than bench records. */
const IGNORED_FOLDERS = new Set(['baseline', 'benchmarks']);
const BENCHES = new Set(['voc07-cls', 'voc-det']);

/**
 * Every voc07-cls / voc-det record under `resultsDir` (recursively), sorted by path.
 * `baseline/` (regression baselines) and `benchmarks/` (speed numbers) are skipped, and so
 * are JSON files that are not bench records (eval-cls/eval-det outputs, other tools' files);
 * but a file inside a bench's own folder must be a valid record of that bench.
 */
export function loadBenchRecords(resultsDir: string): LoadedRecord[] {
  if (!existsSync(resultsDir) || !statSync(resultsDir).isDirectory()) {
    throw new InputError(resultsDir, 'results folder does not exist');
  }
  const loaded: LoadedRecord[] = [];
  for (const file of listJsonFiles(resultsDir, resultsDir)) {
    const folder = relative(resultsDir, file).split(sep)[0];
    const inBenchFolder = BENCHES.has(folder);
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      if (!inBenchFolder) continue;
      throw new InputError(file, `is not valid JSON (${(error as Error).message})`);
    }
    const benchmark = isObject(json) ? json.benchmark : undefined;
    if (typeof benchmark !== 'string' || !BENCHES.has(benchmark)) {
      if (!inBenchFolder) continue;
      throw new InputError(file, `must be "${folder}", got ${JSON.stringify(benchmark) ?? 'nothing'}`, { field: 'benchmark' });
    }
    if (inBenchFolder && benchmark !== folder) {
      throw new InputError(file, `is "${benchmark}" but the file is in results/${folder}/`, { field: 'benchmark' });
    }
    // Inside a bench folder the section is the path below it (`ci`, `ci-voc`, `old/ci`).
    const below = inBenchFolder ? relative(join(resultsDir, folder), file) : basename(file);
    loaded.push({ file, section: below.slice(0, -'.json'.length).split(sep).join('/'), record: parseBenchRecord(json, file) });
  }
  return loaded;
}

function listJsonFiles(dir: string, root: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (dir === root && IGNORED_FOLDERS.has(entry.name)) continue;
      files.push(...listJsonFiles(path, root));
    } else if (entry.isFile() && entry.name.endsWith('.json') && !entry.name.startsWith('.')) {
      files.push(path);
    }
  }
  return files;
}

/**
 * Checks the fields the tables, report and regression check read, so a malformed record
 * fails here with its file and field rather than as a `undefined` deep in a table.
 */
export function parseBenchRecord(json: unknown, file: string): BenchRecord {
  const record = expectObject(json, file, '(top level)');
  if (record.schemaVersion !== RESULTS_SCHEMA_VERSION) {
    throw new InputError(file, `is ${JSON.stringify(record.schemaVersion) ?? 'missing'}; this reader understands version ${RESULTS_SCHEMA_VERSION}`, {
      field: 'schemaVersion',
    });
  }
  if (record.benchmark !== 'voc07-cls' && record.benchmark !== 'voc-det') {
    throw new InputError(file, `must be "voc07-cls" or "voc-det", got ${JSON.stringify(record.benchmark) ?? 'nothing'}`, { field: 'benchmark' });
  }
  expectString(record.createdAt, file, 'createdAt');
  const dataset = expectObject(record.dataset, file, 'dataset');
  expectString(dataset.name, file, 'dataset.name');
  expectString(dataset.sha256, file, 'dataset.sha256');
  expectObject(record.protocol, file, 'protocol');
  const execution = expectObject(record.execution, file, 'execution');
  expectObject(execution.machine, file, 'execution.machine');
  const models = expectObject(record.models, file, 'models');
  for (const [id, entry] of Object.entries(models)) {
    const model = expectObject(entry, file, `models.${id}`);
    const fingerprint = model.model as Record<string, unknown> | undefined;
    if (fingerprint?.width !== undefined) expectNumber(fingerprint.width, file, `models.${id}.model.width`);
    const result = expectObject(model.result, file, `models.${id}.result`);
    if (record.benchmark === 'voc07-cls') {
      checkClsResult(result, file, `models.${id}.result`);
      if (model.layers !== undefined) {
        const layers = expectObject(model.layers, file, `models.${id}.layers`);
        for (const [layer, value] of Object.entries(layers)) checkClsResult(expectObject(value, file, `models.${id}.layers.${layer}`), file, `models.${id}.layers.${layer}`);
      }
    }
    else for (const [column, value] of Object.entries(result)) checkDetResult(value, file, `models.${id}.result.${column}`);
  }
  return record as unknown as BenchRecord;
}

function checkClsResult(result: Record<string, unknown>, file: string, field: string): void {
  checkEvaluation(result.evaluation, file, `${field}.evaluation`);
  const svm = expectObject(result.svm, file, `${field}.svm`);
  for (const [cls, choice] of Object.entries(svm)) {
    const chosen = expectObject(choice, file, `${field}.svm.${cls}`);
    expectNumber(chosen.cost, file, `${field}.svm.${cls}.cost`);
  }
  if (result.mapInterval !== undefined) checkInterval(result.mapInterval, file, `${field}.mapInterval`);
  if (result.lowShot !== undefined) checkLowShot(result.lowShot, file, `${field}.lowShot`);
}

function checkLowShot(value: unknown, file: string, field: string): void {
  const lowShot = expectObject(value, file, field);
  for (const key of ['byK', 'skipped'] as const) {
    if (!Array.isArray(lowShot[key])) throw new InputError(file, `must be a list, got ${JSON.stringify(lowShot[key]) ?? 'nothing'}`, { field: `${field}.${key}` });
  }
  (lowShot.byK as unknown[]).forEach((entry, i) => {
    const row = expectObject(entry, file, `${field}.byK[${i}]`);
    for (const key of ['k', 'cost', 'mean', 'std']) expectNumber(row[key], file, `${field}.byK[${i}].${key}`);
    if (!Array.isArray(row.perSample)) throw new InputError(file, 'must be a list of numbers', { field: `${field}.byK[${i}].perSample` });
  });
  (lowShot.skipped as unknown[]).forEach((entry, i) => expectString(expectObject(entry, file, `${field}.skipped[${i}]`).reason, file, `${field}.skipped[${i}].reason`));
}

function checkDetResult(value: unknown, file: string, field: string): void {
  const result = expectObject(value, file, field);
  if (result.status !== 'ok' && result.status !== 'diverged') {
    throw new InputError(file, `must be "ok" or "diverged", got ${JSON.stringify(result.status) ?? 'nothing'}`, { field: `${field}.status` });
  }
  if (result.status === 'ok') checkEvaluation(result.evaluation, file, `${field}.evaluation`);
  if (result.divergedAtIteration !== undefined) expectNumber(result.divergedAtIteration, file, `${field}.divergedAtIteration`);
  expectNumber(result.iterations, file, `${field}.iterations`);
  if (result.map07Interval !== undefined) checkInterval(result.map07Interval, file, `${field}.map07Interval`);
}

function checkEvaluation(value: unknown, file: string, field: string): void {
  const evaluation = expectObject(value, file, field);
  const classes = expectObject(evaluation.classes, file, `${field}.classes`);
  for (const [cls, ap] of Object.entries(classes)) {
    const classAp = expectObject(ap, file, `${field}.classes.${cls}`);
    expectNullableNumber(classAp.ap, file, `${field}.classes.${cls}.ap`);
    expectNullableNumber(classAp.ap07, file, `${field}.classes.${cls}.ap07`);
  }
  expectNullableNumber(evaluation.map, file, `${field}.map`);
  expectNullableNumber(evaluation.map07, file, `${field}.map07`);
}

function checkInterval(value: unknown, file: string, field: string): void {
  const interval = expectObject(value, file, field);
  expectNumber(interval.low, file, `${field}.low`);
  expectNumber(interval.high, file, `${field}.high`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function expectObject(value: unknown, file: string, field: string): Record<string, unknown> {
  if (!isObject(value)) throw new InputError(file, `must be an object, got ${JSON.stringify(value) ?? 'nothing'}`, { field });
  return value;
}

function expectString(value: unknown, file: string, field: string): void {
  if (typeof value !== 'string') throw new InputError(file, `must be a string, got ${JSON.stringify(value) ?? 'nothing'}`, { field });
}

function expectNumber(value: unknown, file: string, field: string): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new InputError(file, `must be a finite number, got ${JSON.stringify(value) ?? 'nothing'}`, { field });
  }
}

function expectNullableNumber(value: unknown, file: string, field: string): void {
  if (value !== null) expectNumber(value, file, field);
}
