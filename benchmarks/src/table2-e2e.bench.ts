/**
 * The whole Table-2 job for one checkpoint at VOC07 size, end to end, timed per stage (issue 13,
 * target: at most 5 minutes on 2 cores at width 1):
 *
 *   data      5,011 trainval + 4,952 test Fashion-VOC scenes at VOC2007's usual sizes (500x375,
 *             500x333, 375x500, 333x500), 1-4 items each (VOC07: 2.5 objects per image), the 10
 *             item classes split by tint (warm / cool) into 20 one-vs-rest problems; items repeat
 *             (the shipped 10k Fashion-MNIST items are shared out between trainval and test).
 *             Generated once into the cache (`table2-e2e-data/<hash of the generation
 *             parameters>` under MGTA_CACHE_DIR or .cache/mgta) and not timed with the job.
 *   model     a randomly initialised ResNet-50 at each --widths value, as `mgta init-model --width w
 *             --seed 0` writes it (cached too), or --model <checkpoint dir or .onnx>.
 *   job       exactly `bench voc07-cls`'s per-model run (evaluateVoc07ClsModel): res4 features of
 *             trainval and test through ONNX Runtime (`extractFeatures`, Goyal pooling, into an
 *             empty feature cache so they are computed), the SVM (`goyal2019` costs, the default
 *             fast path), test APs and the 1000-resample bootstrap interval.
 *
 *   npx tsx benchmarks/src/table2-e2e.bench.ts [--widths 1,1/4] [--scale 1] [--model <path>]
 *       [--threads <n>] [--device cpu] [--engine auto|gram|linear] [--decode-sample 500] [--no-write]
 *   npx nx run bench:table2-e2e [--widths=1/4] [--scale=0.05] ...   (the same; --no-write only through tsx)
 *
 * --scale f runs f of VOC07's image counts (e.g. 0.05: 251 + 248 scenes) for a quick check.
 * --decode-sample n also times JPEG decoding + resizing alone on n trainval images (the same
 * stream as extraction, without ORT), since in the job it overlaps ORT. --engine overrides the SVM
 * engine the fast path picks ('auto': Gram up to n = GRAM_ROWS_PER_DIM * d, else explicit w).
 * The job's SVM time depends on the features: its record keeps the coordinate updates and the
 * fits that stopped at max_iter.
 * Prints a table per width (wall and CPU seconds of each stage, the 1-minute load average before
 * and after it: the machine may be shared, read every figure with its load) and writes
 * results/benchmarks/table2-e2e.json (atomically); runs not repeated keep their previous entry.
 * Run it on a quiet machine; it is a benchmark, not a test.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ContentCache, machineInfo, startProgress, writeJsonAtomic } from '@mgta/core';
import { GENERATOR_VERSION, makeFashionVoc, type FashionVocManifest } from '@mgta/fashion-voc';
import type { ExtractTiming } from '@mgta/features';
import { classificationTransform, streamBatches, TORCHVISION_NORMALIZATION } from '@mgta/imaging';
import { DEVICES, type Device } from '@mgta/onnx/devices';
import { parseDataPreset, type FashionVocDataPreset } from '@mgta/presets';
import { formatWidth, initialWeights, parseWidth, saveCheckpoint, widthLabel } from '@mgta/resnet';
import { softwareVersions } from '@mgta/results-schema';
import { GOYAL2019_PROTOCOL, parseCosts } from '@mgta/svm';
import { readImageSet, resolveClasses, resolveYearDir } from '@mgta/voc';
import { evaluateVoc07ClsModel, type Voc07ClsStage } from './voc07-cls.ts';

/** PASCAL VOC2007's image counts (trainval, test) and its 20 classes. */
const VOC07 = { trainval: 5011, test: 4952, classes: 20 };
/** VOC2007's commonest sizes, repeated roughly by how often they occur (mean ~500x357). */
const VOC07_SIZES: Array<[number, number]> = [[500, 375], [500, 375], [500, 375], [500, 333], [500, 333], [375, 500], [333, 500]];
const DATA_SEED = 2007;
const MODEL_SEED = 0;
const TARGET_SECONDS = 300;
/** The presets' voc07Cls defaults (voc07-cls-preset.ts) with the issue's cost list. */
const SECTION = { layer: 'res4', year: '2007', trainSplit: 'trainval', testSplit: 'test', batchSize: 8, bootstrap: { resamples: 1000, seed: 0 } } as const;
const COSTS = 'goyal2019';
const STAGES: Array<{ stage: Voc07ClsStage; label: string }> = [
  { stage: 'extract-train', label: 'extract trainval (JPEG → res4, ORT)' },
  { stage: 'extract-test', label: 'extract test (JPEG → res4, ORT)' },
  { stage: 'load', label: 'read features + labels' },
  { stage: 'svm', label: `SVM (${COSTS}, 3-fold CV + refit)` },
  { stage: 'evaluate', label: 'test AP + bootstrap (1000)' },
];

const { values: args } = parseArgs({
  options: {
    widths: { type: 'string', default: '1,1/4' },
    scale: { type: 'string', default: '1' },
    model: { type: 'string' },
    threads: { type: 'string' },
    device: { type: 'string', default: 'cpu' },
    'decode-sample': { type: 'string', default: '500' },
    engine: { type: 'string', default: 'auto' },
    'no-write': { type: 'boolean', default: false },
  },
});
const scale = Number(args.scale);
if (!(scale > 0 && scale <= 1)) throw new Error(`--scale: must be a fraction in (0, 1], got "${args.scale}"`);
const threads = args.threads === undefined ? undefined : Number(args.threads);
if (threads !== undefined && !(Number.isInteger(threads) && threads >= 1)) throw new Error(`--threads: "${args.threads}" is not a positive integer`);
const device = args.device as Device;
if (!DEVICES.includes(device)) throw new Error(`--device: unknown device "${args.device}" (${DEVICES.join(', ')})`);
const engine = args.engine as 'auto' | 'gram' | 'linear';
if (!['auto', 'gram', 'linear'].includes(engine)) throw new Error(`--engine: must be auto, gram or linear, got "${args.engine}"`);
const decodeSample = Number(args['decode-sample']);
if (!(Number.isInteger(decodeSample) && decodeSample >= 0)) throw new Error(`--decode-sample: "${args['decode-sample']}" is not a whole number`);
const widths = args.model !== undefined ? [undefined] : args.widths!.split(',').map((w) => parseWidth(w, '--widths'));
const root = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
const load1 = () => Number(loadavg()[0].toFixed(2));
const loads = () => loadavg().map((l) => Number(l.toFixed(2)));
const log = (line: string) => process.stderr.write(`${line}\n`);

// 1. The scenes: generated once per set of parameters, into the cache.
const counts = { trainval: Math.max(2, Math.round(VOC07.trainval * scale)), test: Math.max(1, Math.round(VOC07.test * scale)) };
const data = parseDataPreset({
  source: 'fashion-voc',
  pretrain: { images: 1, size: 16, format: 'png' },
  scenes: { minSize: 333, maxSize: 500, maxItems: 4, minItemScale: 0.15, maxItemScale: 0.6, jpegQuality: 90, sizes: VOC07_SIZES, classesByTint: true, reuseItems: true },
  voc2007: { ...counts, valFraction: 0.5 },
  voc2012: { trainval: 2, valFraction: 0.5 },
}, 'table2-e2e.bench.ts') as FashionVocDataPreset;
const dataInputs = { generator: '@mgta/fashion-voc', generatorVersion: GENERATOR_VERSION, data, seed: DATA_SEED };
const dataCache = new ContentCache('table2-e2e-data');
const generation: { seconds: number | null } = { seconds: null };
const dataDir = await dataCache.getOrBuild(dataInputs, async (temp) => {
  log(`table2-e2e: generating ${counts.trainval} + ${counts.test} VOC-sized scenes into ${dataCache.dirOf(dataInputs)} (once; reruns reuse them)`);
  const started = performance.now();
  let progress: ReturnType<typeof startProgress> | undefined;
  await makeFashionVoc({
    out: join(temp, 'fashion-voc'), presetName: 'table2-e2e', data, seed: DATA_SEED,
    onProgress: (done, total) => {
      if (progress === undefined) progress = startProgress('generate scenes', total);
      else progress.tick();
      if (done === total) progress.stop();
    },
  });
  generation.seconds = (performance.now() - started) / 1000;
});
const generateSeconds = generation.seconds;
const datasetDir = join(dataDir, 'fashion-voc');
const manifest = JSON.parse(readFileSync(join(datasetDir, 'manifest.json'), 'utf8')) as FashionVocManifest;
const devkit = join(datasetDir, 'VOCdevkit');
const yearDir = resolveYearDir(devkit, '2007');
const classes = resolveClasses(yearDir);
const year = manifest.counts.years.VOC2007;
log(`table2-e2e: data ${datasetDir}: ${year.splits.trainval} trainval + ${year.splits.test} test scenes, ${classes.length} classes, ${year.objects} objects` +
  (generateSeconds === null ? ' (cached)' : ` (generated in ${generateSeconds.toFixed(1)} s)`));

// 2. JPEG decode + resize (+ normalise) alone, on a sample: in the job it runs beside ORT, so its cost shows there only as waiting.
let decodeResize: { images: number; seconds: number; msPerImage: number; loadAverage1m: { before: number; after: number } } | undefined;
if (decodeSample > 0) {
  const ids = readImageSet(yearDir, 'trainval').slice(0, decodeSample);
  const before = load1();
  const started = performance.now();
  for await (const batch of streamBatches(ids.map((id) => ({ id, path: join(yearDir, 'JPEGImages', `${id}.jpg`) })), {
    batchSize: SECTION.batchSize, transform: (image) => classificationTransform(image), normalization: TORCHVISION_NORMALIZATION, concurrency: SECTION.batchSize * 2,
  })) void batch;
  const seconds = (performance.now() - started) / 1000;
  decodeResize = { images: ids.length, seconds, msPerImage: (1000 * seconds) / ids.length, loadAverage1m: { before, after: load1() } };
}

// 3. One run per model.
interface StageRecord { seconds: number; cpuSeconds: number; loadAverage1m: { before: number; after: number } }
const modelCache = new ContentCache('table2-e2e-models');
const file = join(root, 'results', 'benchmarks', 'table2-e2e.json');
const previous = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { runs?: Record<string, unknown> }) : {};
const entries: Record<string, unknown> = { ...(previous.runs ?? {}) };
const tables: string[] = [];

for (const width of widths) {
  let modelPath: string;
  let modelInit: string;
  if (width === undefined) {
    modelPath = args.model!;
    modelInit = `given: ${basename(modelPath)}`;
  } else {
    const inputs = { arch: 'resnet50', width, seed: MODEL_SEED, init: 'torchvision (libs/resnet initialWeights)' };
    const dir = await modelCache.getOrBuild(inputs, async (temp) => {
      await saveCheckpoint(join(temp, 'checkpoint'), initialWeights({ name: 'resnet50', decoder: false, ...(width === 1 ? {} : { width }) }, MODEL_SEED), { createdBy: 'table2-e2e.bench', seed: MODEL_SEED });
    });
    modelPath = join(dir, 'checkpoint');
    modelInit = `random, as mgta init-model --width ${formatWidth(width)} --seed ${MODEL_SEED}`;
  }

  const featureDir = mkdtempSync(join(tmpdir(), 'mgta-table2-e2e-'));
  const stages: Partial<Record<Voc07ClsStage, StageRecord>> = {};
  const loadBefore = loads();
  let lastSvmReport = performance.now();
  let run: Awaited<ReturnType<typeof evaluateVoc07ClsModel>>;
  try {
    run = await evaluateVoc07ClsModel({
      model: modelPath, devkit, yearDir, classes, section: SECTION, protocol: { ...GOYAL2019_PROTOCOL, costs: parseCosts(COSTS) },
      device, threads, cache: new ContentCache('features', featureDir), svmEngine: engine,
      stage: async (name, step) => {
        log(`table2-e2e: ${name}`);
        const before = load1();
        const cpu = process.cpuUsage();
        const started = performance.now();
        const out = await step();
        const used = process.cpuUsage(cpu);
        stages[name] = { seconds: (performance.now() - started) / 1000, cpuSeconds: (used.user + used.system) / 1e6, loadAverage1m: { before, after: load1() } };
        return out;
      },
      onSvmProgress: (done, total) => {
        if (performance.now() - lastSvmReport > 15_000 || done === total) {
          lastSvmReport = performance.now();
          log(`  svm: ${done}/${total} tasks`);
        }
      },
    });
  } finally {
    rmSync(featureDir, { recursive: true, force: true });
  }
  const loadAfter = loads();
  const total = STAGES.reduce((sum, { stage }) => sum + stages[stage]!.seconds, 0);
  const cpuTotal = STAGES.reduce((sum, { stage }) => sum + stages[stage]!.cpuSeconds, 0);
  const modelWidth = run.features.train.meta.model.width ?? 1;
  const timings = { train: run.features.train.timing!, test: run.features.test.timing! };
  const key = `${width === undefined ? `model:${basename(modelPath)}` : widthLabel(width)}${scale === 1 ? '' : `@${scale}`}${engine === 'auto' ? '' : `/${engine}`}`;

  // The table.
  const rows: string[][] = [['stage', 'wall s', 'CPU s', 'load', 'detail']];
  const fmt = (x: number) => x.toFixed(1);
  const extractDetail = (t: ExtractTiming) => `${((1000 * t.seconds) / t.images).toFixed(1)} ms/image: ORT ${fmt(t.ortSeconds)}, waiting for decoded images ${fmt(t.inputWaitSeconds)}, rest ${fmt(t.seconds - t.ortSeconds - t.inputWaitSeconds)} (resize on the main thread ${fmt(t.resizeSeconds)})`;
  const details: Record<Voc07ClsStage, string> = {
    'extract-train': extractDetail(timings.train),
    'extract-test': extractDetail(timings.test),
    load: `${run.features.train.meta.dimension}-d features`,
    svm: `Gram ${fmt(run.svm.seconds.gram)}, CV ${fmt(run.svm.seconds.crossValidation)}, refit ${fmt(run.svm.seconds.refit)} (${run.svm.engine}, ${run.svm.simd ? 'simd' : 'javascript'}, ${run.svm.threads} threads` +
      `${run.svm.coordinateUpdates === undefined ? '' : `, ${(run.svm.coordinateUpdates / 1e6).toFixed(0)}M coordinate updates`}, ${run.svm.classes.reduce((sum, c) => sum + c.unconverged, 0)} fits at max_iter)`,
    evaluate: `mAP ${(100 * (run.result.evaluation.map ?? NaN)).toFixed(2)} (scenes of random tints: a speed figure, not a quality one)`,
  };
  const loadCell = (l: { before: number; after: number }) => `${l.before.toFixed(2)}→${l.after.toFixed(2)}`;
  rows.push(['scenes (not in the total)', generateSeconds === null ? 'cached' : fmt(generateSeconds), '', '', `${year.splits.trainval} + ${year.splits.test} scenes, ${classes.length} classes`]);
  if (decodeResize) rows.push([`decode+resize alone, ${decodeResize.images} images (not in the total)`, fmt(decodeResize.seconds), '', loadCell(decodeResize.loadAverage1m), `${decodeResize.msPerImage.toFixed(2)} ms/image`]);
  for (const { stage, label } of STAGES) {
    const s = stages[stage]!;
    rows.push([label, fmt(s.seconds), fmt(s.cpuSeconds), loadCell(s.loadAverage1m), details[stage]]);
  }
  const targetNote = scale === 1 && modelWidth === 1 ? `target ≤ ${TARGET_SECONDS} s: ${total <= TARGET_SECONDS ? 'met' : 'NOT met'}` : `the ${TARGET_SECONDS} s target is for width 1 at scale 1`;
  rows.push(['total', fmt(total), fmt(cpuTotal), `${loadBefore[0].toFixed(2)}→${loadAfter[0].toFixed(2)}`, targetNote]);
  const w = rows[0].map((_, k) => Math.max(...rows.map((row) => row[k].length)));
  tables.push([
    `Table 2 end to end: resnet50 ${widthLabel(modelWidth)} (${modelInit}), ${year.splits.trainval} trainval + ${year.splits.test} test scenes (scale ${scale}), ` +
      `${classes.length} classes, ${COSTS} costs, ${availableParallelism()} cores (load = 1-minute average, before → after)`,
    ...rows.map((row) => row.map((cell, k) => (k === 0 || k === 4 ? cell.padEnd(w[k]) : cell.padStart(w[k]))).join('  ').trimEnd()),
  ].join('\n'));

  entries[key] = {
    createdAt: new Date().toISOString(),
    setup: {
      scale, images: { trainval: year.splits.trainval, test: year.splits.test }, classes: classes.length, objects: year.objects,
      sceneSizes: VOC07_SIZES, dataSeed: DATA_SEED, dataFingerprint: manifest.fingerprint, dataCacheEntry: `${dataCache.kind}/${dataCache.keyOf(dataInputs)}`,
      model: { init: modelInit, width: modelWidth, ...(run.features.train.meta.model.stride1x1 === true ? { stride1x1: true } : {}), sha256: run.features.train.meta.model.sha256 },
      layer: SECTION.layer, dimension: run.features.train.meta.dimension, batchSize: SECTION.batchSize, costList: COSTS, svmEngine: engine, bootstrapResamples: SECTION.bootstrap.resamples,
      device: run.features.train.meta.executionProvider, threads: { ort: run.features.train.meta.threads, svm: run.svm.threads },
    },
    generateSeconds,
    decodeResize,
    stages,
    extract: timings,
    svm: {
      engine: run.svm.engine, simd: run.svm.simd, threads: run.svm.threads, seconds: run.svm.seconds, coordinateUpdates: run.svm.coordinateUpdates,
      // Fits that stopped at max_iter: how hard these features are for dual coordinate descent.
      unconverged: run.svm.classes.reduce((sum, c) => sum + c.unconverged, 0),
      classes: run.svm.classes.map(({ name, cost, unconverged, trainPositives }) => ({ name, cost, unconverged, trainPositives })),
    },
    totalSeconds: total,
    cpuSeconds: cpuTotal,
    targetSeconds: scale === 1 && modelWidth === 1 ? TARGET_SECONDS : null,
    loadAverage: { before: loadBefore, after: loadAfter },
    meanTestAp: run.result.evaluation.map,
  };
}

process.stdout.write(`${tables.join('\n\n')}\n`);
if (!args['no-write']) {
  writeJsonAtomic(file, {
    benchmark: 'table2-e2e',
    createdAt: new Date().toISOString(),
    about: 'One checkpoint through the whole VOC07 linear-SVM job (Table 2) at VOC07 size (or --scale of it): wall and CPU seconds per stage with the 1-minute load average before and after each, ' +
      'the total (scene generation and model init excluded), os.loadavg() at the start and end of each run; runs keyed by width (x1, x1/4), @scale when not 1, /engine when not auto.',
    runs: entries,
    machine: machineInfo(),
    software: softwareVersions(['onnxruntime-node', 'sharp']),
  });
  log(`table2-e2e: wrote ${file}`);
}
process.exit(0);
