/**
 * Speed of the whole VOC07 SVM stage (Goyal et al. 2019 protocol: 3-fold CV over a cost list +
 * refit, one-vs-rest classes) on synthetic features (`syntheticVocFeatures`: non-negative,
 * ReLU-then-pooled-like rows, each class adding a sparse non-negative pattern to its positive
 * images at VOC07 trainval positive rates), at two sizes:
 *
 *   small  1500 × 1024 trainval, 1500 test, 10 classes, `vissl` costs (11)  — also timed end to
 *          end as `node apps/cli/bin/mgta.js svm-voc` on the same features written as a devkit
 *   voc07  5011 × 9216 trainval, 4952 test, 20 classes, `goyal2019` costs (26) — VOC07 res4 size
 *
 *   npx tsx benchmarks/src/svm.bench.ts [--sizes small,voc07] [--threads <cores>] [--classes k]
 *       [--engine auto|gram|linear] [--simd true|false] [--warm-start subspace|rescaled|previous] [--baseline]
 *       [--skip-cli] [--no-write]
 *
 * --baseline also runs the plain-JavaScript path (simd false: the solver as it was before the
 * SIMD kernels) at each size, for a before/after on the same machine state. Prints a table
 * (Gram / CV / refit / total per size, with the 1-minute load average before and after each
 * run: the machine is shared, read every figure with its load) and writes
 * results/benchmarks/svm.json (atomically); sizes not run keep their previous entry.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { machineInfo, writeJsonAtomic } from '@mgta/core';
import { writeNpy } from '@mgta/features';
import { softwareVersions } from '@mgta/results-schema';
import { GOYAL2019_PROTOCOL, parseCosts, runVocSvm, syntheticVocFeatures, type SvmClass, type SvmRunResult, type WarmStartKind } from '@mgta/svm';

const SEED = 2019;
const SIZES = {
  small: { trainRows: 1500, testRows: 1500, dim: 1024, classes: 10, costs: 'vissl', signal: 0.3 },
  voc07: { trainRows: 5011, testRows: 4952, dim: 9216, classes: 20, costs: 'goyal2019', signal: 0.15 },
} as const;
type SizeName = keyof typeof SIZES;

const { values: args } = parseArgs({
  options: {
    sizes: { type: 'string', default: 'small,voc07' },
    threads: { type: 'string' },
    classes: { type: 'string' },
    engine: { type: 'string', default: 'auto' },
    simd: { type: 'string', default: 'true' },
    'warm-start': { type: 'string', default: 'subspace' },
    baseline: { type: 'boolean', default: false },
    'skip-cli': { type: 'boolean', default: false },
    'no-write': { type: 'boolean', default: false },
  },
});
const sizes = args.sizes!.split(',').map((s) => s.trim()) as SizeName[];
for (const size of sizes) if (!(size in SIZES)) throw new Error(`--sizes: unknown size "${size}" (${Object.keys(SIZES).join(', ')})`);
const threads = args.threads === undefined ? undefined : Number(args.threads);
const root = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
const load = () => Number(loadavg()[0].toFixed(2));

interface RunRecord {
  path: 'simd' | 'javascript';
  engine: string;
  threads: number;
  /** Warm start along the cost path ('previous' on the JavaScript path). */
  warmStart: WarmStartKind;
  seconds: SvmRunResult['seconds'] & { cpu: number };
  loadAverage1m: { before: number; after: number };
  coordinateUpdates?: number;
  meanCvAp: number;
  meanTestAp: number;
  classes: Array<{ name: string; cost: number; cvAp: number; testAp: number | null; testAp07: number | null; unconverged: number }>;
}

async function runOnce(size: SizeName, data: ReturnType<typeof syntheticVocFeatures>, simd: boolean): Promise<RunRecord> {
  const setup = SIZES[size];
  const classes: SvmClass[] = data.classNames.map((name, c) => ({ name, trainLabels: data.train.labels[c], testLabels: data.test.labels[c] }));
  const warmStart = args['warm-start'] as WarmStartKind;
  const before = load();
  const cpuBefore = process.cpuUsage();
  let lastReport = performance.now();
  const result = await runVocSvm(
    { rows: setup.trainRows, cols: setup.dim, data: data.train.data },
    { rows: setup.testRows, cols: setup.dim, data: data.test.data },
    classes,
    { ...GOYAL2019_PROTOCOL, costs: parseCosts(setup.costs) },
    {
      threads,
      engine: args.engine as 'auto' | 'gram' | 'linear',
      simd,
      warmStart,
      onProgress: (done, total) => {
        if (performance.now() - lastReport > 15_000 || done === total) {
          lastReport = performance.now();
          process.stderr.write(`  ${size}: ${done}/${total} tasks\n`);
        }
      },
    },
  );
  const cpu = process.cpuUsage(cpuBefore);
  return {
    path: result.simd ? 'simd' : 'javascript',
    engine: result.engine,
    threads: result.threads,
    warmStart: result.simd ? warmStart : 'previous',
    seconds: { ...result.seconds, cpu: (cpu.user + cpu.system) / 1e6 },
    loadAverage1m: { before, after: load() },
    coordinateUpdates: result.coordinateUpdates,
    meanCvAp: result.meanCvAp,
    meanTestAp: result.meanTestAp,
    classes: result.classes.map(({ name, cost, cvAp, testAp, testAp07, unconverged }) => ({ name, cost, cvAp, testAp, testAp07, unconverged })),
  };
}

/** The same features as a VOC2007-shaped devkit + .npy/.json pairs, timed through the CLI. */
function runCli(data: ReturnType<typeof syntheticVocFeatures>, size: SizeName) {
  const setup = SIZES[size];
  const dir = mkdtempSync(join(tmpdir(), 'mgta-svm-bench-'));
  try {
    const main = join(dir, 'VOC2007', 'ImageSets', 'Main');
    mkdirSync(main, { recursive: true });
    writeFileSync(join(dir, 'VOC2007', 'classes.txt'), data.classNames.join('\n') + '\n');
    for (const [split, part, rows] of [['trainval', data.train, setup.trainRows], ['test', data.test, setup.testRows]] as const) {
      const ids = Array.from({ length: rows }, (_, i) => `${split === 'test' ? 1 : 0}${String(i).padStart(5, '0')}`);
      writeFileSync(join(main, `${split}.txt`), ids.join('\n') + '\n');
      data.classNames.forEach((name, c) => {
        writeFileSync(join(main, `${name}_${split}.txt`), ids.map((id, i) => `${id} ${String(part.labels[c][i]).padStart(2)}`).join('\n') + '\n');
      });
      writeNpy(join(dir, `${split}.npy`), { dtype: 'float32', rows, cols: setup.dim, data: part.data });
      writeFileSync(join(dir, `${split}.json`), JSON.stringify({ ids }));
    }
    const command = [join(root, 'apps', 'cli', 'bin', 'mgta.js'), 'svm-voc', '--devkit', dir, '--train', join(dir, 'trainval.npy'), '--test', join(dir, 'test.npy'), '--costs', setup.costs, '--json', join(dir, 'out.json')];
    if (threads !== undefined) command.push('--threads', String(threads));
    const before = load();
    const started = performance.now();
    const child = spawnSync(process.execPath, command, { cwd: root, encoding: 'utf8', env: { ...process.env, CI: 'true' } });
    const wall = (performance.now() - started) / 1000;
    if (child.status !== 0) throw new Error(`mgta svm-voc failed (${child.status}): ${child.stderr}`);
    const out = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8'));
    return {
      command: 'node apps/cli/bin/mgta.js svm-voc --costs ' + setup.costs + ' (process start to exit, reading the .npy included)',
      wallSeconds: wall,
      loadAverage1m: { before, after: load() },
      costs: (out.result.classes as Array<{ cost: number }>).map((c) => c.cost),
      meanTestAp: out.result.meanTestAp as number,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const file = join(root, 'results', 'benchmarks', 'svm.json');
const previous = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { sizes?: Record<string, unknown> }) : {};
const entries: Record<string, unknown> = { ...(previous.sizes ?? {}) };
const table: string[][] = [['size', 'path', 'engine/thr', 'Gram s', 'CV s', 'refit s', 'total s', 'CPU s', 'updates', 'mAP', 'load before→after']];

for (const size of sizes) {
  const setup = { ...SIZES[size], classes: Number(args.classes ?? SIZES[size].classes) };
  const generateStart = performance.now();
  const data = syntheticVocFeatures({ seed: SEED, trainRows: setup.trainRows, testRows: setup.testRows, dim: setup.dim, classes: setup.classes, signal: setup.signal });
  const generateSeconds = (performance.now() - generateStart) / 1000;
  process.stderr.write(`svm bench ${size}: ${setup.trainRows} × ${setup.dim} trainval, ${setup.testRows} test, ${setup.classes} classes, ${setup.costs} costs (data in ${generateSeconds.toFixed(1)} s)\n`);
  const runs: RunRecord[] = [await runOnce(size, data, args.simd !== 'false')];
  if (args.baseline) runs.push(await runOnce(size, data, false));
  const cli = size === 'small' && !args['skip-cli'] ? runCli(data, size) : undefined;
  for (const run of runs) {
    const s = run.seconds;
    table.push([size, `${run.path}, ${run.warmStart}`, `${run.engine}/${run.threads}`, s.gram.toFixed(1), s.crossValidation.toFixed(1), s.refit.toFixed(1), s.total.toFixed(1), s.cpu.toFixed(0), run.coordinateUpdates === undefined ? '-' : `${(run.coordinateUpdates / 1e6).toFixed(1)}M`, (100 * run.meanTestAp).toFixed(2), `${run.loadAverage1m.before.toFixed(2)}→${run.loadAverage1m.after.toFixed(2)}`]);
  }
  if (cli !== undefined) {
    const same = cli.costs.every((cost, c) => cost === runs[0].classes[c].cost);
    table.push([size, `CLI end to end${same ? '' : ' (COSTS DIFFER)'}`, '', '', '', '', cli.wallSeconds.toFixed(1), '', '', (100 * cli.meanTestAp).toFixed(2), `${cli.loadAverage1m.before.toFixed(2)}→${cli.loadAverage1m.after.toFixed(2)}`]);
  }
  entries[size] = {
    createdAt: new Date().toISOString(),
    setup: { ...setup, costList: setup.costs, costs: parseCosts(setup.costs), seed: SEED, synthetic: true, generateSeconds },
    runs,
    cli,
  };
}

const widths = table[0].map((_, k) => Math.max(...table.map((row) => row[k].length)));
process.stdout.write(`SVM stage on ${availableParallelism()} cores (load average = 1-minute, before → after each run)\n`);
for (const row of table) process.stdout.write(row.map((cell, k) => (k < 3 ? cell.padEnd(widths[k]) : cell.padStart(widths[k]))).join('  ') + '\n');
for (const size of sizes) {
  const entry = entries[size] as { runs: RunRecord[] };
  process.stdout.write(`\n${size}: ${'class'.padEnd(12)} ${'cost'.padStart(10)} ${'CV AP'.padStart(7)} ${'AP'.padStart(7)}\n`);
  for (const c of entry.runs[0].classes) {
    process.stdout.write(`${''.padEnd(size.length + 2)}${c.name.padEnd(12)} ${c.cost.toPrecision(3).padStart(10)} ${(100 * c.cvAp).toFixed(2).padStart(7)} ${(c.testAp === null ? 'n/a' : (100 * c.testAp).toFixed(2)).padStart(7)}\n`);
  }
}

if (!args['no-write']) {
  writeJsonAtomic(file, {
    benchmark: 'svm-stage',
    createdAt: new Date().toISOString(),
    about: 'Wall seconds per phase (CV: until the last fold; refit: the refits still running after it), CPU seconds of the process, 1-minute load average before and after each run on a machine shared with other work.',
    sizes: entries,
    machine: machineInfo(),
    software: softwareVersions(),
  });
}
