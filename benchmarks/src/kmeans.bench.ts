/**
 * Speed of the MGTA pseudo-labelling k-means at the paper's size (§4.2): k = 300 on 60,000
 * ResNet-50 features of width 2048, here synthetic float32 Gaussian blobs (300 centres drawn
 * from N(0, 1) per coordinate, points N(0, 1.5²) around them, seeded). Goal: minutes on 2 cores.
 *
 *   npx tsx benchmarks/src/kmeans.bench.ts [--n 60000] [--d 2048] [--k 300] [--runs t2r1,t2r3,t1r1]
 *     [--out kmeans.json]
 *
 * Restart r of a run is the same computation whatever the restart count (one forked random
 * stream per restart), so restart 0 of t2r3 is exactly t2r1: the table shows seconds per restart.
 * Runs: tXrY = X threads, Y restarts (k-means++ seeding, ≤ 100 iterations). With --n below
 * 60,000 the table also shows a linear extrapolation to 60,000 rows (cost is ∝ n·k·d per pass),
 * clearly marked as such. Prints a table and writes results/benchmarks/kmeans.json (atomically).
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { machineInfo, writeJsonAtomic } from '@mgta/core';
import { gaussianBlobs, kmeans, normalizedMutualInformation, purity } from '@mgta/pretrain';

const SEED = 300;
const PAPER_N = 60_000;
const { values: args } = parseArgs({
  options: {
    n: { type: 'string', default: String(PAPER_N) },
    d: { type: 'string', default: '2048' },
    k: { type: 'string', default: '300' },
    runs: { type: 'string', default: 't2r1,t2r3,t1r1' },
    'max-iterations': { type: 'string', default: '100' },
    out: { type: 'string', default: 'kmeans.json' },
  },
});
const n = Number(args.n), d = Number(args.d), k = Number(args.k);
const maxIterations = Number(args['max-iterations']);
const runs = args.runs!.split(',').map((s) => {
  const m = /^t(\d+)r(\d+)$/.exec(s.trim());
  if (!m) throw new Error(`--runs: "${s}" is not of the form t<threads>r<restarts>`);
  return { name: s.trim(), threads: Number(m[1]), restarts: Number(m[2]) };
});

let started = performance.now();
const { x, truth } = gaussianBlobs(n, d, k, SEED, 1, 1.5, true);
const generateS = (performance.now() - started) / 1000;
console.error(`generated ${n} x ${d} blobs (k=${k}) in ${generateS.toFixed(1)} s`);

interface Row {
  run: string;
  threads: number;
  restarts: number;
  seconds: number;
  seedingSeconds: number[];
  restartSeconds: number[];
  iterationsPerRestart: number[];
  secondsPerIteration: number;
  iterations: number;
  inertia: number;
  nmi: number;
  purity: number;
  extrapolatedSecondsAt60k?: number;
}
const rows: Row[] = [];
for (const run of runs) {
  const seeding: number[] = [];
  const iterationsPerRestart: number[] = [];
  const restartSeconds: number[] = [];
  let restartStart = performance.now();
  let phaseStart = performance.now();
  let iterationTime = 0;
  started = performance.now();
  const result = await kmeans(x, n, d, {
    k, seed: SEED, restarts: run.restarts, threads: run.threads, maxIterations,
    onProgress: (e) => {
      const now = performance.now();
      if (e.phase === 'seeded') {
        seeding.push((now - phaseStart) / 1000);
        iterationsPerRestart.push(0);
      } else {
        iterationTime += now - phaseStart;
        iterationsPerRestart[e.restart] = e.iteration;
      }
      if (e.phase === 'iteration' && (e.changed === 0 || e.iteration >= maxIterations)) {
        restartSeconds.push((now - restartStart) / 1000);
        restartStart = now;
        console.error(`  ${run.name} restart ${e.restart}: ${e.iteration} iterations, ${restartSeconds.at(-1)!.toFixed(1)} s`);
      }
      phaseStart = now;
    },
  });
  const seconds = (performance.now() - started) / 1000;
  const totalIterations = iterationsPerRestart.reduce((a, b) => a + b, 0);
  const row: Row = {
    run: run.name,
    threads: run.threads,
    restarts: run.restarts,
    seconds,
    seedingSeconds: seeding,
    restartSeconds,
    iterationsPerRestart,
    secondsPerIteration: iterationTime / 1000 / Math.max(1, totalIterations),
    iterations: result.iterations,
    inertia: result.inertia,
    nmi: normalizedMutualInformation(result.labels, truth),
    purity: purity(result.labels, truth),
  };
  if (n !== PAPER_N) row.extrapolatedSecondsAt60k = (seconds * PAPER_N) / n;
  rows.push(row);
  console.error(`${run.name}: ${seconds.toFixed(1)} s`);
}

console.log(`\nk-means, k=${k}, n=${n}, d=${d}, float32 blobs, seed ${SEED}${n !== PAPER_N ? ` (MEASURED at n=${n}; "@60k" column is an EXTRAPOLATION)` : ''}`);
console.table(rows.map((r) => ({
  run: r.run,
  threads: r.threads,
  restarts: r.restarts,
  'total s': r.seconds.toFixed(1),
  's per restart': r.restartSeconds.map((s) => s.toFixed(1)).join(' / '),
  'seeding s (per restart)': r.seedingSeconds.map((s) => s.toFixed(1)).join(' / '),
  'iterations (per restart)': r.iterationsPerRestart.join(' / '),
  's / iteration': r.secondsPerIteration.toFixed(2),
  inertia: r.inertia.toExponential(6),
  NMI: r.nmi.toFixed(4),
  purity: r.purity.toFixed(4),
  ...(r.extrapolatedSecondsAt60k !== undefined ? { 'extrapolated s @60k': r.extrapolatedSecondsAt60k.toFixed(0) } : {}),
})));

const out = fileURLToPath(new URL(`../../results/benchmarks/${args.out}`, import.meta.url));
writeJsonAtomic(out, {
  benchmark: 'kmeans-speed',
  createdAt: new Date().toISOString(),
  seed: SEED,
  dataset: { n, d, k, kind: 'gaussian blobs: centres N(0,1), noise N(0,1.5^2), float32', generateSeconds: generateS },
  measuredAtPaperSize: n === PAPER_N,
  maxIterations,
  runs: rows,
  machine: machineInfo(),
});
console.log(`wrote ${out}`);
