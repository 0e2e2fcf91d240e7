/**
 * `mgta eval-det` on the VOC07-test-sized case (voc-eval-case.ts: 4952 images, ~12.6k
 * objects, ~495k detections) timed as a user runs it, whole process against whole process,
 * beside a Python reference with Detectron's voc_eval semantics
 * (benchmarks/reference/detectron_voc_eval.py: annotations parsed on every run, no
 * annots.pkl). Target (issue 13): mgta <= 0.25x the reference's time.
 *
 *   npx tsx benchmarks/src/voc-eval-process.bench.ts [--runs 5] [--case <dir> | --keep <dir>]
 *
 * --case reuses a case written before (by --keep, or `voc-eval.bench.ts --keep <dir>
 * --generate-only`); otherwise it is generated into a temporary folder (~30 s).
 *
 * Each run spawns `node apps/cli/bin/mgta.js eval-det ...` and, when python3 with numpy is
 * installed, the reference, one after the other so that both see the same load; each figure is
 * the median of the runs. The reference is a yardstick outside the project: without python3
 * it is skipped with a message. Both results must agree (per-class APs within 1e-9), else the
 * benchmark fails. The load average is recorded with every sample: figures from a busy machine
 * are not comparable with a quiet one's.
 *
 * Prints a table and writes results/benchmarks/voc-eval-process.json (atomically).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { machineInfo, writeJsonAtomic } from '@mgta/core';
import { softwareVersions } from '@mgta/results-schema';
import { IMAGES, SEED, SPLIT, YEAR, describeVocEvalCase, generateVocEvalCase } from './voc-eval-case.ts';

const TARGET_RATIO = 0.25; // issue 13: eval-det <= 0.25x the Python reference, whole process
const AGREEMENT = 1e-9; // both compute the same APs; only the order of float sums differs

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'apps', 'cli', 'bin', 'mgta.js');
const REFERENCE = join(ROOT, 'benchmarks', 'reference', 'detectron_voc_eval.py');

const { values: args } = parseArgs({ options: { runs: { type: 'string', default: '5' }, case: { type: 'string' }, keep: { type: 'string' } } });
if (args.case !== undefined && args.keep !== undefined) throw new Error('give --case (reuse a case) or --keep (write one), not both');
const runs = Number(args.runs);
if (!(Number.isInteger(runs) && runs > 0)) throw new Error(`--runs must be a positive integer, got ${args.runs}`);

const load1 = () => Number(loadavg()[0].toFixed(2));

interface Sample {
  ms: number;
  /** 1-minute load average just before and just after the run. */
  loadAverage1m: { before: number; after: number };
}

/** Runs `command` to completion; returns its wall time, or throws with its stderr. */
function timeProcess(command: string, commandArgs: string[]): Sample & { stderr: string } {
  const before = load1();
  const start = process.hrtime.bigint();
  const run = spawnSync(command, commandArgs, { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (run.error) throw run.error;
  if (run.status !== 0) throw new Error(`${command} ${commandArgs.join(' ')} exited with ${run.status}:\n${run.stderr}`);
  return { ms: Math.round(ms * 10) / 10, loadAverage1m: { before, after: load1() }, stderr: run.stderr };
}

/**
 * Times the mgta bin. A run that rebuilt dist/cli first (a source edited meanwhile) did not
 * time the command alone, so it is repeated; sources that keep changing are an error.
 */
function timeMgta(commandArgs: string[]): Sample {
  for (let attempt = 0; attempt < 4; attempt++) {
    const { ms, loadAverage1m, stderr } = timeProcess(process.execPath, [BIN, ...commandArgs]);
    if (!stderr.includes('mgta: rebuilt')) return { ms, loadAverage1m };
  }
  throw new Error('dist/cli was rebuilt before 4 runs in a row: the sources keep changing; benchmark a quiet checkout');
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** python3 with numpy, or the reason there is none. */
function findPython(): { version: string; numpy: string } | { missing: string } {
  const probe = spawnSync('python3', ['-c', 'import sys, numpy; print(sys.version.split()[0], numpy.__version__)'], { encoding: 'utf8' });
  if (probe.error) return { missing: `python3 not found (${(probe.error as NodeJS.ErrnoException).code})` };
  if (probe.status !== 0) return { missing: `python3 cannot import numpy: ${probe.stderr.trim().split('\n').pop()}` };
  const [version, numpy] = probe.stdout.trim().split(' ');
  return { version, numpy };
}

interface EvalJson {
  classes: Record<string, { ap: number | null; ap07: number | null; npos: number }>;
  map: number | null;
  map07: number | null;
}

/** Largest difference between the two results' per-class APs (both metrics). */
function disagreement(ours: EvalJson, reference: EvalJson): number {
  let worst = 0;
  for (const [cls, theirs] of Object.entries(reference.classes)) {
    const mine = ours.classes[cls];
    if (mine === undefined || mine.npos !== theirs.npos) return Infinity;
    worst = Math.max(worst, Math.abs((mine.ap ?? NaN) - (theirs.ap ?? NaN)), Math.abs((mine.ap07 ?? NaN) - (theirs.ap07 ?? NaN)));
  }
  return Number.isNaN(worst) ? Infinity : worst;
}

const work = mkdtempSync(join(tmpdir(), 'voc-eval-process-'));
const caseDir = args.case ?? args.keep ?? join(work, 'case');
try {
  const devkit = join(caseDir, 'VOCdevkit');
  const resultsDir = join(caseDir, 'results');
  if (args.case === undefined) process.stderr.write(`generating the synthetic VOC07-sized case in ${caseDir} (seed ${SEED}) ...\n`);
  const sizes = args.case === undefined ? generateVocEvalCase(caseDir) : describeVocEvalCase(caseDir);
  const dataset = { images: IMAGES, objects: sizes.objects, detectionLines: sizes.lines, detectionBytes: sizes.bytes, generated: args.case === undefined };

  const oursJson = join(work, 'mgta.json');
  const referenceJson = join(work, 'reference.json');
  const mgtaArgs = ['eval-det', '--devkit', devkit, '--year', YEAR, '--split', SPLIT, '--results', resultsDir, '--json', oursJson];
  const referenceArgs = [REFERENCE, '--devkit', devkit, '--year', YEAR, '--split', SPLIT, '--results', resultsDir, '--json', referenceJson];
  const python = findPython();
  if ('missing' in python) process.stderr.write(`${python.missing}: skipping the Python reference (it is optional)\n`);

  // Untimed: brings dist/cli up to date (a stale build is rebuilt on the first run), and the
  // files into the page cache for both.
  timeMgta(mgtaArgs);
  if (!('missing' in python)) timeProcess('python3', referenceArgs);

  const samples: { mgta: Sample[]; mgtaHelp: Sample[]; reference: Sample[] } = { mgta: [], mgtaHelp: [], reference: [] };
  for (let run = 0; run < runs; run++) {
    samples.mgta.push(timeMgta(mgtaArgs));
    samples.mgtaHelp.push(timeMgta(['--help']));
    if (!('missing' in python)) {
      const { ms, loadAverage1m } = timeProcess('python3', referenceArgs);
      samples.reference.push({ ms, loadAverage1m });
    }
    process.stderr.write(`  run ${run + 1}/${runs}: mgta ${samples.mgta[run].ms} ms, reference ${samples.reference[run]?.ms ?? '-'} ms (load ${load1()})\n`);
  }

  const ours = JSON.parse(readFileSync(oursJson, 'utf8')) as EvalJson;
  const summary = (list: Sample[]) => ({ medianMs: median(list.map((s) => s.ms)), minMs: Math.min(...list.map((s) => s.ms)), samples: list });
  const timings = { mgtaEvalDet: summary(samples.mgta), mgtaHelp: summary(samples.mgtaHelp) };
  let reference: Record<string, unknown> = 'missing' in python ? { skipped: python.missing } : {};
  let ratio: number | undefined;
  if (!('missing' in python)) {
    const theirs = JSON.parse(readFileSync(referenceJson, 'utf8')) as EvalJson;
    const worst = disagreement(ours, theirs);
    if (!(worst <= AGREEMENT)) throw new Error(`mgta and the reference disagree: per-class AP differs by ${worst} (> ${AGREEMENT})`);
    const timing = summary(samples.reference);
    ratio = Math.round((timings.mgtaEvalDet.medianMs / timing.medianMs) * 1000) / 1000;
    reference = { script: 'benchmarks/reference/detectron_voc_eval.py', python: python.version, numpy: python.numpy, timing, maxApDifference: worst, map: theirs.map, map07: theirs.map07 };
  }

  const loads = [...samples.mgta, ...samples.reference].flatMap((s) => [s.loadAverage1m.before, s.loadAverage1m.after]);
  const loadRange = `${Math.min(...loads).toFixed(1)}-${Math.max(...loads).toFixed(1)}`;
  console.log(`eval-det whole process, VOC07-sized case (${IMAGES} images), median of ${runs}, load average ${loadRange}`);
  console.log(`  mgta eval-det      ${(timings.mgtaEvalDet.medianMs / 1000).toFixed(2)} s (min ${(timings.mgtaEvalDet.minMs / 1000).toFixed(2)} s)`);
  console.log(`  mgta --help        ${(timings.mgtaHelp.medianMs / 1000).toFixed(2)} s (startup floor)`);
  if (ratio !== undefined) {
    const timing = reference.timing as ReturnType<typeof summary>;
    console.log(`  Python reference   ${(timing.medianMs / 1000).toFixed(2)} s (min ${(timing.minMs / 1000).toFixed(2)} s)`);
    console.log(`  ratio              ${ratio.toFixed(3)}x (target <= ${TARGET_RATIO}x: ${ratio <= TARGET_RATIO ? 'met' : 'NOT met'}); APs agree within ${(reference.maxApDifference as number).toExponential(1)}`);
  }
  console.log(`  (mAP ${ours.map}, mAP07 ${ours.map07})`);
  const cores = machineInfo().cores;
  if (Math.max(...loads) > cores) console.log(`WARNING: load average up to ${Math.max(...loads).toFixed(1)} on ${cores} cores: other processes competed for the CPU; rerun on an idle machine`);

  const out = fileURLToPath(new URL('../../results/benchmarks/voc-eval-process.json', import.meta.url));
  writeJsonAtomic(out, {
    benchmark: 'voc-eval-process',
    createdAt: new Date().toISOString(),
    seed: SEED,
    dataset,
    runs,
    loadAverage: { start: loads[0], range: [Math.min(...loads), Math.max(...loads)], afterRuns: loadavg().map((l) => Number(l.toFixed(2))) },
    // Quiet: the 1-minute load stayed at or below the number of cores throughout.
    quietMachine: Math.max(...loads) <= cores,
    timings,
    reference,
    ratio: ratio ?? null,
    target: { ratio: TARGET_RATIO, met: ratio === undefined ? null : ratio <= TARGET_RATIO },
    sanity: { map: ours.map, map07: ours.map07 },
    machine: machineInfo(),
    software: softwareVersions(),
  });
  console.log(`wrote ${out}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
