import { readFileSync, existsSync, readdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { hashJson, InputError, machineInfo, sha256, writeJsonAtomic } from '@mgta/core';
import { extractFeatures, readNpy, GOYAL_POOLING } from '@mgta/features';
import { CLASSIFICATION_SIZE } from '@mgta/imaging';
import type { Device } from '@mgta/onnx';
import { loadPreset } from '@mgta/presets';
import { bootstrapMapInterval } from '@mgta/report';
import {
  RESULTS_SCHEMA_VERSION, recordedPath, softwareVersions,
  type ClassAp, type EvaluationResult, type Voc07ClsModelResult, type Voc07ClsRecord,
} from '@mgta/results-schema';
import { COST_LISTS, GOYAL2019_PROTOCOL, parseCosts, runVocSvm, type SvmProtocol } from '@mgta/svm';
import { evaluateClassScores, summarize } from '@mgta/voc-eval';
import { readClassLabels, resolveClasses, resolveYearDir } from '@mgta/voc';
import { resolveBenchModels } from './model-registry.ts';
import { pretrainingFacts } from './pretraining-facts.ts';
import { voc07ClsSection } from './voc07-cls-preset.ts';

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

  const results: Voc07ClsRecord['models'] = {};
  const dataFingerprints: Record<string, string> = {};
  let executionProvider = 'cpu';
  let threads = 0;
  for (const model of models) {
    log(`voc07-cls: model ${model.id} (${model.path})`);
    const extractStarted = Date.now();
    const splits = {} as Record<'train' | 'test', Awaited<ReturnType<typeof extractFeatures>>>;
    for (const [role, split] of [['train', section.trainSplit], ['test', section.testSplit]] as const) {
      splits[role] = await extractFeatures({
        model: model.path, devkit, year: section.year, split, layer: section.layer,
        batchSize: section.batchSize, device: options.device, threads: options.threads,
      });
      dataFingerprints[split] = splits[role].meta.data.sha256;
      executionProvider = splits[role].meta.executionProvider;
      threads = splits[role].meta.threads;
    }
    const extractSeconds = (Date.now() - extractStarted) / 1000;
    const train = readNpy(splits.train.npyPath);
    const test = readNpy(splits.test.npyPath);
    const labels = (split: string, ids: string[]) => Object.fromEntries(classes.map((name) => [name, labelsInOrder(yearDir, name, split, ids)]));
    const trainLabels = labels(section.trainSplit, splits.train.meta.ids);
    const testLabels = labels(section.testSplit, splits.test.meta.ids);

    const svm = await runVocSvm(train, test, classes.map((name) => ({ name, trainLabels: trainLabels[name], testLabels: testLabels[name] })), protocol, { threads: options.threads });
    const perClass: Record<string, ClassAp> = {};
    for (const result of svm.classes) perClass[result.name] = evaluateClassScores(testLabels[result.name], result.testScores, { maxPrPoints: 200 });
    const evaluation: EvaluationResult = summarize(perClass);
    const modelResult: Voc07ClsModelResult = {
      evaluation,
      svm: Object.fromEntries(svm.classes.map((c) => [c.name, { cost: c.cost, cvAp: c.cvAp }])),
      mapInterval: bootstrapMapInterval(
        { kind: 'classification', labels: testLabels, scores: Object.fromEntries(svm.classes.map((c) => [c.name, c.testScores])) },
        { resamples: section.bootstrap.resamples, seed: section.bootstrap.seed, metric: 'ap' },
      ),
      features: { layer: section.layer, dimension: train.cols, trainvalSha256: sha256OfFile(splits.train.npyPath), testSha256: sha256OfFile(splits.test.npyPath) },
      seconds: { extract: extractSeconds, svm: svm.seconds.total },
    };
    results[model.id] = { model: { name: recordedPath(model.path), sha256: splits.train.meta.model.sha256, width: splits.train.meta.model.width ?? 1, ...pretrainingFacts(model.path) }, result: modelResult };
    log(`voc07-cls: ${model.id} mAP ${(100 * (evaluation.map ?? NaN)).toFixed(2)} (11-point ${(100 * (evaluation.map07 ?? NaN)).toFixed(2)})`);
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
        layer: section.layer,
        inputSize: CLASSIFICATION_SIZE,
        transform: 'resize to 224x224 ignoring aspect ratio (PIL bilinear, antialiased), no crop, no flip',
        pooling: { ...GOYAL_POOLING[section.layer], countIncludePad: true },
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
      splits: { year: section.year, train: section.trainSplit, test: section.testSplit },
      classes,
    },
    seeds: { svm: protocol.seed, bootstrap: section.bootstrap.seed },
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
