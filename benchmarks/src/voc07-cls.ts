import { readFileSync, existsSync, readdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { hashJson, InputError, machineInfo, sha256, startProgress, writeJsonAtomic, type ContentCache, type Progress } from '@mgta/core';
import { extractFeatures, readNpy, GOYAL_POOLING, type ExtractResult, type FeatureLayer } from '@mgta/features';
import { CLASSIFICATION_SIZE } from '@mgta/imaging';
import type { Device } from '@mgta/onnx';
import { loadPreset } from '@mgta/presets';
import { bootstrapMapInterval } from '@mgta/report';
import {
  RESULTS_SCHEMA_VERSION, recordedPath, softwareVersions,
  type ClassAp, type EvaluationResult, type LowShotRecord, type Voc07ClsModelResult, type Voc07ClsRecord,
} from '@mgta/results-schema';
import {
  COST_LISTS, GOYAL2019_PROTOCOL, LOW_SHOT_PROTOCOL_NOTES, parseCosts, runLowShotSvm, runVocSvm,
  type LowShotProtocol, type SvmProtocol, type SvmRunOptions, type SvmRunResult,
} from '@mgta/svm';
import { evaluateClassScores, summarize } from '@mgta/voc-eval';
import { readClassLabels, resolveClasses, resolveYearDir } from '@mgta/voc';
import { resolveBenchModels } from './model-registry.ts';
import { pretrainingFacts } from './pretraining-facts.ts';
import { voc07ClsSection, type Voc07ClsPreset } from './voc07-cls-preset.ts';

export interface Voc07ClsOptions {
  preset: string;
  /** Another VOCdevkit (e.g. real PASCAL VOC2007) instead of the preset's Fashion-VOC. */
  devkit?: string;
  /** Names the data in the result file (`<preset>-<dataName>.json`); default from --devkit. */
  dataName?: string;
  /** Extra models (checkpoint dirs or .onnx files) beside the preset's. */
  models?: string[];
  device?: Device;
  threads?: number;
  resultsDir?: string;
  /** Where the preset's models live; default `models/<preset>`. */
  modelsDir?: string;
  /** Layers to evaluate (Goyal's layer sweep); default the preset's `layers` (itself default its `layer`). */
  layers?: FeatureLayer[];
  /** Goyal's low-shot SVM: a protocol, or null for off; default the preset's `lowShot`. */
  lowShot?: LowShotProtocol | null;
  log?: (line: string) => void;
}

/**
 * The VOC07 linear-SVM benchmark (paper Table 2): for every model, frozen features of
 * trainval and test, the Goyal et al. 2019 SVM protocol, and test APs with a bootstrap
 * interval; one record with the full protocol in `results/voc07-cls/`.
 */
export async function runVoc07Cls(options: Voc07ClsOptions): Promise<{ record: Voc07ClsRecord; path: string }> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const preset = loadPreset(options.preset);
  const section = voc07ClsSection(preset);
  const devkit = options.devkit ?? join('data', 'fashion-voc', preset.name, 'VOCdevkit');
  const yearDir = resolveYearDir(devkit, section.year);
  if (!existsSync(yearDir)) {
    throw new InputError(devkit, `no VOC${section.year} data; make it with \`npx nx run data-app:fashion-voc --preset=${preset.name}\``);
  }
  const classes = resolveClasses(yearDir);
  const models = resolveBenchModels(preset.name, section.models, options.models, options.modelsDir);
  const costs = parseCosts(section.costs);
  const protocol: SvmProtocol = { ...GOYAL2019_PROTOCOL, costs };
  const layers = options.layers ?? section.layers;
  const lowShot = options.lowShot !== undefined ? options.lowShot : section.lowShot;
  // `result` (what the tables and the regression check read) is the preset's layer when swept
  const primaryLayer = layers.includes(section.layer) ? section.layer : layers[0];
  const sweep = layers.length > 1 || layers[0] !== section.layer;

  const results: Voc07ClsRecord['models'] = {};
  const dataFingerprints: Record<string, string> = {};
  let executionProvider = 'cpu';
  let threads = 0;
  for (const model of models) {
    log(`voc07-cls: model ${model.id} (${model.path})`);
    const byLayer: Record<string, Voc07ClsModelResult> = {};
    let fingerprint: Voc07ClsRecord['models'][string]['model'] | undefined;
    for (const layer of layers) {
      const run = await evaluateVoc07ClsModel({
        model: model.path, devkit, yearDir, classes, section: { ...section, layer }, protocol, lowShot,
        device: options.device, threads: options.threads,
      });
      dataFingerprints[section.trainSplit] = run.features.train.meta.data.sha256;
      dataFingerprints[section.testSplit] = run.features.test.meta.data.sha256;
      executionProvider = run.features.test.meta.executionProvider;
      threads = run.features.test.meta.threads;
      fingerprint ??= { name: recordedPath(model.path), sha256: run.features.train.meta.model.sha256, width: run.features.train.meta.model.width ?? 1,
        ...(run.features.train.meta.model.stride1x1 === true ? { stride1x1: true as const } : {}), ...pretrainingFacts(model.path) };
      byLayer[layer] = run.result;
      const { evaluation } = run.result;
      log(`voc07-cls: ${model.id}${sweep ? ` ${layer}` : ''} mAP ${(100 * (evaluation.map ?? NaN)).toFixed(2)} (11-point ${(100 * (evaluation.map07 ?? NaN)).toFixed(2)})`);
      if (run.result.lowShot) log(`voc07-cls: ${model.id}${sweep ? ` ${layer}` : ''} low-shot ${lowShotLine(run.result.lowShot)}`);
    }
    results[model.id] = { model: fingerprint!, result: byLayer[primaryLayer], ...(sweep ? { layers: byLayer } : {}) };
  }

  const dataName = options.devkit ? (options.dataName ?? slug(basename(resolve(options.devkit)))) : undefined;
  const record: Voc07ClsRecord = {
    schemaVersion: RESULTS_SCHEMA_VERSION,
    benchmark: 'voc07-cls',
    createdAt: new Date().toISOString(),
    preset: preset.name,
    dataset: {
      name: dataName ?? `fashion-voc-${preset.name}`,
      sha256: hashJson({ images: dataFingerprints, labels: labelFilesFingerprint(yearDir, [section.trainSplit, section.testSplit]) }),
    },
    protocol: {
      reference: 'Goyal et al. 2019, fair_self_supervision_benchmark (VISSL is the same)',
      features: {
        layer: primaryLayer,
        layers,
        inputSize: CLASSIFICATION_SIZE,
        transform: 'resize to 224x224 ignoring aspect ratio (PIL bilinear, antialiased), no crop, no flip',
        pooling: { ...GOYAL_POOLING[primaryLayer], countIncludePad: true },
        ...(sweep ? { poolingByLayer: Object.fromEntries(layers.map((layer) => [layer, { ...GOYAL_POOLING[layer], countIncludePad: true }])) } : {}),
        normalization: "the model's own (checkpoint manifest; torchvision ImageNet mean/std for ONNX files)",
      },
      svm: {
        ...protocol,
        costList: COST_LISTS[section.costs] !== undefined ? section.costs : 'explicit',
        loss: 'squared hinge, L2-regularised, dual coordinate descent (liblinear), bias as a regularised feature (intercept_scaling 1)',
        featureNormalization: 'x / (||x|| + 1e-5), float64',
        crossValidation: '3-fold non-shuffled StratifiedKFold, sklearn average_precision_score on decision values; first cost on ties; refit on all of trainval',
        trainLabels: 'label 0 (difficult only) images are negatives',
      },
      testAp: 'VOC2010+ area under the monotone precision envelope (ap, the paper\'s number) and VOC2007 11-point (ap07); label 0 test images dropped',
      ...(lowShot ? { lowShot: { ...lowShot, ...LOW_SHOT_PROTOCOL_NOTES } } : {}),
      splits: { year: section.year, train: section.trainSplit, test: section.testSplit },
      classes,
    },
    seeds: { svm: protocol.seed, bootstrap: section.bootstrap.seed, ...(lowShot ? { lowShot: lowShot.seed } : {}) },
    software: softwareVersions(['onnxruntime-node', '@tensorflow/tfjs', 'sharp']),
    execution: { machine: machineInfo(), executionProvider, threads },
    models: results,
  };
  const resultsDir = options.resultsDir ?? 'results';
  const path = join(resultsDir, 'voc07-cls', `${preset.name}${dataName ? `-${dataName}` : ''}.json`);
  writeJsonAtomic(path, record);
  log(`voc07-cls: wrote ${path}`);
  return { record, path };
}

/** The steps of one model's Table-2 run, in order, as `evaluateVoc07ClsModel` names them to its `stage` hook. */
export type Voc07ClsStage = 'extract-train' | 'extract-test' | 'load' | 'svm' | 'evaluate';

export interface Voc07ClsModelOptions {
  /** A checkpoint directory or an .onnx file. */
  model: string;
  devkit: string;
  /** The devkit's VOC<year> folder (resolveYearDir). */
  yearDir: string;
  classes: string[];
  section: Pick<Voc07ClsPreset, 'layer' | 'year' | 'trainSplit' | 'testSplit' | 'batchSize' | 'bootstrap'>;
  protocol: SvmProtocol;
  /** Goyal's low-shot SVM on the same features after the full one (null or absent: off). */
  lowShot?: LowShotProtocol | null;
  device?: Device;
  threads?: number;
  /** Feature cache; default the shared one (`features` under the cache root). */
  cache?: ContentCache;
  /** Runs each step (default: just runs it); for benchmarks that time them. */
  stage?: <T>(name: Voc07ClsStage, run: () => Promise<T>) => Promise<T>;
  /** Passed to the SVM: called after each finished task. */
  onSvmProgress?: (done: number, total: number) => void;
  /** SVM engine (default 'auto', the fast path's own choice). */
  svmEngine?: SvmRunOptions['engine'];
}

export interface Voc07ClsModelRun {
  result: Voc07ClsModelResult;
  features: { train: ExtractResult; test: ExtractResult };
  /** The SVM run (its per-class test scores included). */
  svm: SvmRunResult;
}

/**
 * One model's Table-2 run: frozen features of the train and test splits (`extractFeatures`),
 * the SVM protocol on them, test APs and the bootstrap interval. `runVoc07Cls` runs it for every
 * model of a preset; the table2-e2e speed benchmark times its steps.
 */
export async function evaluateVoc07ClsModel(options: Voc07ClsModelOptions): Promise<Voc07ClsModelRun> {
  const { section, yearDir, classes } = options;
  const stage = options.stage ?? (<T>(_name: Voc07ClsStage, run: () => Promise<T>) => run());
  const extractStarted = Date.now();
  const extract = (split: string) => extractFeatures({
    model: options.model, devkit: options.devkit, year: section.year, split, layer: section.layer,
    batchSize: section.batchSize, device: options.device, threads: options.threads, cache: options.cache,
  });
  const train = await stage('extract-train', () => extract(section.trainSplit));
  const test = await stage('extract-test', () => extract(section.testSplit));
  const extractSeconds = (Date.now() - extractStarted) / 1000;
  const loaded = await stage('load', async () => {
    const labels = (split: string, ids: string[]) => Object.fromEntries(classes.map((name) => [name, labelsInOrder(yearDir, name, split, ids)]));
    return {
      train: readNpy(train.npyPath),
      test: readNpy(test.npyPath),
      trainLabels: labels(section.trainSplit, train.meta.ids),
      testLabels: labels(section.testSplit, test.meta.ids),
    };
  });
  const { trainLabels, testLabels } = loaded;
  const svm = await stage('svm', () => runVocSvm(
    loaded.train, loaded.test, classes.map((name) => ({ name, trainLabels: trainLabels[name], testLabels: testLabels[name] })), options.protocol,
    { threads: options.threads, onProgress: options.onSvmProgress, engine: options.svmEngine },
  ));
  const result = await stage('evaluate', async (): Promise<Voc07ClsModelResult> => {
    const perClass: Record<string, ClassAp> = {};
    for (const result of svm.classes) perClass[result.name] = evaluateClassScores(testLabels[result.name], result.testScores, { maxPrPoints: 200 });
    const evaluation: EvaluationResult = summarize(perClass);
    return {
      evaluation,
      svm: Object.fromEntries(svm.classes.map((c) => [c.name, { cost: c.cost, cvAp: c.cvAp }])),
      mapInterval: bootstrapMapInterval(
        { kind: 'classification', labels: testLabels, scores: Object.fromEntries(svm.classes.map((c) => [c.name, c.testScores])) },
        { resamples: section.bootstrap.resamples, seed: section.bootstrap.seed, metric: 'ap' },
      ),
      features: { layer: section.layer, dimension: loaded.train.cols, trainvalSha256: sha256OfFile(train.npyPath), testSha256: sha256OfFile(test.npyPath) },
      seconds: { extract: extractSeconds, svm: svm.seconds.total },
    };
  });
  if (options.lowShot) {
    const protocol = options.lowShot;
    // not a `stage`: the Table-2 steps are what table2-e2e times, and it runs no low-shot
    const lowShot = await (async () => {
      let progress: Progress | undefined;
      let last = 0;
      try {
        return await runLowShotSvm(
          loaded.train, loaded.test, classes.map((name) => ({ name, trainLabels: trainLabels[name], testLabels: testLabels[name] })), options.protocol, protocol,
          {
            threads: options.threads,
            onProgress: (done, all) => {
              progress ??= startProgress(`low-shot ${section.layer} fits`, all);
              progress.tick(done - last);
              last = done;
            },
          },
        );
      } finally {
        progress?.stop();
      }
    })();
    result.lowShot = lowShot;
  }
  return { result, features: { train, test }, svm };
}

/** "k 1: 12.34 ± 1.20, k 2: ..., skipped k 96 (class sheep has 40 positive training images, 96 needed)". */
function lowShotLine(lowShot: LowShotRecord): string {
  const parts = lowShot.byK.map((r) => `k ${r.k}: ${(100 * r.mean).toFixed(2)} ± ${(100 * r.std).toFixed(2)}`);
  for (const skip of lowShot.skipped) parts.push(`skipped ${skip.reason}`);
  return parts.join(', ');
}

function labelsInOrder(yearDir: string, className: string, split: string, ids: string[]): Int8Array {
  const byId = new Map(readClassLabels(yearDir, className, split).map((entry) => [entry.id, entry.label]));
  return Int8Array.from(ids, (id) => {
    const label = byId.get(id);
    if (label === undefined) throw new InputError(join(yearDir, 'ImageSets', 'Main', `${className}_${split}.txt`), `has no label for image "${id}"`);
    return label;
  });
}

function labelFilesFingerprint(yearDir: string, splits: string[]): string {
  const dir = join(yearDir, 'ImageSets', 'Main');
  const files = readdirSync(dir).filter((name) => splits.some((split) => name === `${split}.txt` || name.endsWith(`_${split}.txt`))).sort();
  return hashJson(Object.fromEntries(files.map((name) => [name, sha256(readFileSync(join(dir, name)))])));
}

function sha256OfFile(path: string): string {
  return sha256(readFileSync(path));
}

function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'data';
}
