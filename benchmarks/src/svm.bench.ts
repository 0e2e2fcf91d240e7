/**
 * Speed of the whole VOC07 SVM stage (Goyal et al. 2019 protocol: 26 costs × 3-fold CV +
 * refit, 20 one-vs-rest classes) on synthetic VOC07-sized res4 features: 5011 × 9216
 * trainval, 4952 × 9216 test, non-negative (ReLU then pooled), each class adding a sparse
 * non-negative pattern to its positive images, at VOC07 trainval positive rates.
 *
 *   npx tsx benchmarks/src/svm.bench.ts [--classes 20] [--costs goyal2019] [--threads <cores>]
 *       [--train 5011] [--test 4952] [--dim 9216] [--engine auto|gram|linear] [--signal 0.15]
 *
 * Prints a table and writes results/benchmarks/svm.json (atomically). With --classes k < 20
 * it also prints the extrapolation to 20 classes (the Gram matrix is shared, the rest scales
 * with the number of classes), clearly labelled.
 */
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Random, machineInfo, writeJsonAtomic } from '@mgta/core';
import { softwareVersions } from '@mgta/results-schema';
import { GOYAL2019_PROTOCOL, parseCosts, runVocSvm, type SvmClass } from '@mgta/svm';

const SEED = 2019;
// VOC2007 trainval images containing each class (VOC2007 devkit statistics, "img" column).
const VOC07_TRAINVAL_IMAGES: Record<string, number> = {
  aeroplane: 238, bicycle: 243, bird: 330, boat: 181, bottle: 244, bus: 186, car: 713, cat: 337,
  chair: 445, cow: 141, diningtable: 200, dog: 421, horse: 287, motorbike: 245, person: 2008,
  pottedplant: 245, sheep: 96, sofa: 229, train: 261, tvmonitor: 256,
};
const DIFFICULT_ONLY_RATE = 0.05; // share of positives turned into label 0 (difficult only)

const { values: args } = parseArgs({
  options: {
    classes: { type: 'string', default: '20' },
    costs: { type: 'string', default: 'goyal2019' },
    threads: { type: 'string' },
    train: { type: 'string', default: '5011' },
    test: { type: 'string', default: '4952' },
    dim: { type: 'string', default: '9216' },
    engine: { type: 'string', default: 'auto' },
    signal: { type: 'string', default: '0.15' },
  },
});
const classNames = Object.keys(VOC07_TRAINVAL_IMAGES).slice(0, Number(args.classes));
const nTrain = Number(args.train);
const nTest = Number(args.test);
const dim = Number(args.dim);
/** Scale of the class patterns: 0.15 gives VOC-like APs (not the 100 % of a trivially separable problem). */
const signal = Number(args.signal);

function synthesize(random: Random, rows: number, patterns: Float32Array[]): { data: Float32Array; labels: Int8Array[] } {
  const data = new Float32Array(rows * dim);
  for (let i = 0; i < data.length; i++) data[i] = Math.max(0, random.normal()) * 0.5;
  const labels = classNames.map((name, c) => {
    const rate = VOC07_TRAINVAL_IMAGES[name] / 5011;
    return Int8Array.from({ length: rows }, (_, i) => {
      if (random.next() >= rate) return -1;
      const strength = signal * (0.2 + 0.4 * random.next());
      const row = data.subarray(i * dim, (i + 1) * dim);
      const pattern = patterns[c];
      for (let k = 0; k < dim; k++) row[k] += strength * pattern[k];
      return random.next() < DIFFICULT_ONLY_RATE ? 0 : 1;
    });
  });
  return { data, labels };
}

const random = new Random(SEED);
const generateStart = performance.now();
// Each class: a sparse non-negative pattern on 5% of the dimensions.
const patterns = classNames.map(() => Float32Array.from({ length: dim }, () => (random.next() < 0.05 ? 2 * random.next() : 0)));
const train = synthesize(random, nTrain, patterns);
const test = synthesize(random, nTest, patterns);
const generateSeconds = (performance.now() - generateStart) / 1000;
const classes: SvmClass[] = classNames.map((name, c) => ({ name, trainLabels: train.labels[c], testLabels: test.labels[c] }));
const costs = parseCosts(args.costs!);
const threads = args.threads === undefined ? undefined : Number(args.threads);

process.stderr.write(`svm bench: ${nTrain} × ${dim} trainval, ${nTest} test, ${classNames.length} classes, ${costs.length} costs (data in ${generateSeconds.toFixed(1)} s)\n`);
let lastReport = performance.now();
const cpuBefore = process.cpuUsage();
const result = await runVocSvm(
  { rows: nTrain, cols: dim, data: train.data },
  { rows: nTest, cols: dim, data: test.data },
  classes,
  { ...GOYAL2019_PROTOCOL, costs },
  {
    threads,
    engine: args.engine as 'auto' | 'gram' | 'linear',
    onProgress: (done, total) => {
      if (performance.now() - lastReport > 10_000 || done === total) {
        lastReport = performance.now();
        process.stderr.write(`  ${done}/${total} tasks\n`);
      }
    },
  },
);

// CPU time of the process (all threads): less sensitive than wall time to other load on the machine.
const cpu = process.cpuUsage(cpuBefore);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
const perClassSeconds = (result.seconds.crossValidation + result.seconds.refit) / classNames.length;
const extrapolated20 = result.seconds.gram + perClassSeconds * 20 + (result.seconds.total - result.seconds.gram - result.seconds.crossValidation - result.seconds.refit);
const rows: Array<[string, string]> = [
  ['engine / threads', `${result.engine} / ${result.threads}`],
  ['Gram matrix', `${result.seconds.gram.toFixed(1)} s`],
  ['3-fold CV, all costs', `${result.seconds.crossValidation.toFixed(1)} s`],
  ['refit + test', `${result.seconds.refit.toFixed(1)} s`],
  [`total (${classNames.length} classes)`, `${result.seconds.total.toFixed(1)} s wall, ${cpuSeconds.toFixed(0)} CPU-s`],
  ['load average at end (1 min)', `${loadavg()[0].toFixed(2)} on ${availableParallelism()} cores`],
];
if (classNames.length < 20) rows.push(['EXTRAPOLATED to 20 classes', `${extrapolated20.toFixed(0)} s`]);
rows.push(['mean CV AP / test AP / 11-pt', `${(100 * result.meanCvAp).toFixed(2)} / ${(100 * result.meanTestAp).toFixed(2)} / ${(100 * result.meanTestAp07).toFixed(2)}`]);
const width = Math.max(...rows.map(([k]) => k.length));
process.stdout.write(`SVM stage, ${nTrain}×${dim} → ${nTest}, ${costs.length} costs\n`);
for (const [k, v] of rows) process.stdout.write(`${k.padEnd(width)}  ${v}\n`);
process.stdout.write(`${'class'.padEnd(12)} ${'cost'.padStart(10)} ${'CV AP'.padStart(7)} ${'AP'.padStart(7)} unconverged\n`);
for (const c of result.classes) {
  process.stdout.write(`${c.name.padEnd(12)} ${c.cost.toPrecision(3).padStart(10)} ${(100 * c.cvAp).toFixed(2).padStart(7)} ${(c.testAp === null ? "n/a" : (100 * c.testAp).toFixed(2)).padStart(7)} ${c.unconverged}\n`);
}

const root = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
writeJsonAtomic(join(root, 'results', 'benchmarks', 'svm.json'), {
  benchmark: 'svm-stage',
  createdAt: new Date().toISOString(),
  setup: { trainRows: nTrain, testRows: nTest, dim, classes: classNames.length, costs, seed: SEED, signal, synthetic: true },
  seconds: { generate: generateSeconds, ...result.seconds, cpu: cpuSeconds, loadAverage1m: loadavg()[0], extrapolatedTo20Classes: classNames.length < 20 ? extrapolated20 : undefined },
  engine: result.engine,
  threads: result.threads,
  classes: result.classes.map(({ name, cost, cvAp, testAp, testAp07, unconverged }) => ({ name, cost, cvAp, testAp, testAp07, unconverged })),
  meanTestAp: result.meanTestAp,
  machine: machineInfo(),
  software: softwareVersions(),
});
