import { existsSync, readFileSync } from 'node:fs';
import { InputError, writeJsonAtomic } from '@mgta/core';
import type { Voc07ClsRecord, VocDetRecord } from '@mgta/results-schema';
import {
  compareWithBaseline,
  DEFAULT_TOLERANCE_POINTS,
  extractMetrics,
  formatComparison,
  makeBaseline,
  parseBaseline,
  parseBenchRecord,
  type Comparison,
  checkInvariants,
  formatInvariants,
  parseRegressInvariants,
  type RegressInvariants,
} from '@mgta/report';
import { loadPreset, presetFile } from '@mgta/presets';

export interface RegressOptions {
  baseline: string;
  update?: boolean;
  /** Points, as given on the command line; default: the baseline's, else 0.5. */
  tolerance?: string;
  preset: string;
  /** Where the default runner reads the bench records from. */
  results: string;
  /** Print every per-class row, not only the failing ones. */
  all?: boolean;
  /** The preset's signal invariants, checked on every run, `--update` included. */
  invariants?: RegressInvariants;
}

/** Produces the preset's bench records: the benches themselves, or (for now) their written results. */
export type BenchRunner = (preset: string) => Promise<{ cls: Voc07ClsRecord; det: VocDetRecord }>;

/**
 * The default runner: the records the benches wrote. `nx run bench:regress --preset=ci` runs
 * both benches first (Nx dependencies of the target), so the comparison is always of a fresh
 * run; called alone, `mgta regress` compares whatever the last bench runs wrote.
 */
export function readWrittenResults(resultsDir: string): BenchRunner {
  return async (preset) => {
    const read = (bench: string) => {
      const file = `${resultsDir}/${bench}/${preset}.json`;
      if (!existsSync(file)) throw new InputError(file, `does not exist; run the ${bench} bench with preset ${preset} first`);
      let json: unknown;
      try {
        json = JSON.parse(readFileSync(file, 'utf8'));
      } catch (error) {
        throw new InputError(file, `is not valid JSON (${(error as Error).message})`);
      }
      const record = parseBenchRecord(json, file);
      if (record.benchmark !== bench) throw new InputError(file, `is "${record.benchmark}", expected "${bench}"`, { field: 'benchmark' });
      return record;
    };
    return { cls: read('voc07-cls') as Voc07ClsRecord, det: read('voc-det') as VocDetRecord };
  };
}

/**
 * `mgta regress`: runs the preset's benches and compares every mAP and class AP with the
 * baseline; throws (exit 1) on a regression, a change beyond the tolerance or a missing
 * metric. `--update` rewrites the baseline from this run instead.
 */
export async function runRegress(options: RegressOptions, runner: BenchRunner, out: (text: string) => void = (t) => process.stdout.write(t)): Promise<Comparison | undefined> {
  const tolerance = parseTolerance(options.tolerance);
  const existing = existsSync(options.baseline) ? loadBaseline(options.baseline) : undefined;
  const metrics = extractMetrics(await runner(options.preset));
  if (Object.keys(metrics).length === 0) throw new Error(`the ${options.preset} run produced no metrics to compare`);
  const invariants = checkInvariants(options.invariants ?? { invariants: [], failOnDivergence: false }, metrics);
  const invariantsFailed = invariants.filter((result) => !result.passed).length;
  const invariantsError = () =>
    new Error(`${invariantsFailed} signal invariant${invariantsFailed === 1 ? '' : 's'} of preset ${options.preset} failed: the run cannot tell a working pipeline from a broken one`);

  if (options.update) {
    out(formatInvariants(invariants));
    // A baseline is only as good as the run it records: a broken trainer must not become the reference.
    if (invariantsFailed > 0) throw invariantsError();
    const baseline = makeBaseline(options.preset, metrics, tolerance ?? existing?.tolerancePoints ?? DEFAULT_TOLERANCE_POINTS);
    writeJsonAtomic(options.baseline, baseline);
    out(`wrote ${options.baseline}: ${Object.keys(metrics).length} metrics, tolerance ±${baseline.tolerancePoints} points\n`);
    return undefined;
  }
  if (!existing) throw new InputError(options.baseline, 'does not exist; create it from a trusted run with `mgta regress --update`');
  if (existing.preset !== options.preset) {
    throw new InputError(options.baseline, `is for preset "${existing.preset}", not "${options.preset}"`, { field: 'preset' });
  }
  const comparison = compareWithBaseline(existing, metrics, tolerance ?? existing.tolerancePoints);
  out(formatComparison(comparison, { onlyProblems: !options.all }));
  out(formatInvariants(invariants));
  if (invariantsFailed > 0) throw invariantsError();
  if (!comparison.passed) {
    const failed = comparison.rows.filter((row) => row.status !== 'ok' && row.status !== 'new').length;
    throw new Error(`${failed} metric${failed === 1 ? '' : 's'} outside ±${comparison.tolerancePoints} points of ${options.baseline} (or missing)`);
  }
  return comparison;
}

function loadBaseline(file: string) {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new InputError(file, `is not valid JSON (${(error as Error).message})`);
  }
  return parseBaseline(json, file);
}

function parseTolerance(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !(value >= 0)) throw new InputError('--tolerance', `"${text}" is not a number of mAP points ≥ 0`);
  return value;
}

/** `mgta regress` as the command line runs it: the preset's invariants, and the written records unless a runner is given. */
export async function runRegressCommand(options: RegressOptions, runner?: BenchRunner): Promise<void> {
  if (!runner) {
    process.stderr.write(
      `note: comparing the records already written in ${options.results}/voc07-cls/${options.preset}.json and ${options.results}/voc-det/${options.preset}.json; run both benches with preset ${options.preset} first\n`,
    );
  }
  const preset = loadPreset(options.preset);
  const invariants = parseRegressInvariants(preset.regress, presetFile(options.preset));
  await runRegress({ ...options, invariants }, runner ?? readWrittenResults(options.results));
}
