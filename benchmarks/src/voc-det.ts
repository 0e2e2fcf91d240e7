/**
 * The voc-det bench (Table 3): for every model of a preset, Faster R-CNN R-50-C4 with the body
 * frozen (conv1..res4, FREEZE_AT 4), heads trained in tfjs on VOC07 trainval ("07") and on
 * VOC07+12 trainval ("07+12"), the whole detector exported to ONNX and run with onnxruntime-node
 * on VOC2007 test, evaluated with the VOC evaluator. Writes results/voc-det/<preset>.json
 * (<preset>-<data name>.json with --devkit) as a VocDetRecord.
 */
import { existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveModelPath } from '@mgta/checkpoint-import';
import { ContentCache, InputError, defaultLanes, hashJson, machineInfo, writeJsonAtomic } from '@mgta/core';
import {
  bodyFeatures, disposeHeadWeights, evaluateDet, float16Scale, formatScale, imagesFingerprint, inferSplitOnnx, loadDetSplit, parseDetectionPreset, protocolForModel, runKey,
  saveDetectorHeads, trainDetector, trainEntries, warmupIterationsOf, divergenceText, type DetSplit, type DetectorProtocol, type TrainEntry,
} from '@mgta/detection';
import type { Normalization } from '@mgta/imaging';
import { backendInfo, initBackend } from '@mgta/nn';
import { createSession, exportEncoderOnnx, type Device } from '@mgta/onnx';
import { loadPreset, type Preset } from '@mgta/presets';
import { featureChannels, loadCheckpoint, stride1x1Field, stride1x1Of, widthOf } from '@mgta/resnet';
import { presetModelIds, resolveBenchModels } from './model-registry.ts';
import { pretrainingFacts } from './pretraining-facts.ts';
import { runVocDetInLanes } from './voc-det-lanes.ts';
import { RESULTS_SCHEMA_VERSION, recordedPath, softwareVersions, type VocDetModelResult, type VocDetRecord } from '@mgta/results-schema';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const DET_COLUMNS = ['07', '07+12'] as const;
export type DetColumn = (typeof DET_COLUMNS)[number];

export interface VocDetOptions {
  preset: string;
  /** VOCdevkit folder; default data/fashion-voc/<preset>/VOCdevkit. */
  devkit?: string;
  /** Model ids under models/<preset>/ (default: the preset's five). */
  models?: string[];
  /** Extra checkpoint directories beside the preset's models (`--model`); id = folder name. */
  extraModels?: string[];
  modelsDir?: string;
  device?: Device;
  threads?: number;
  /** false: body maps in memory only (--no-cache). */
  cache?: boolean;
  /** Models run at once, each in its own process (default libs/core defaultLanes; 1 for a single model). */
  jobs?: number;
  columns?: DetColumn[];
  /** Output file; default results/voc-det/<preset>[-<data name>].json. */
  out?: string;
  log?: (line: string) => void;
}

/** The preset's models: its detection.models when given, else the pretraining project's five. */
export function detectionModelIds(preset: Preset): string[] {
  const detection = preset.detection as { models?: string[] } | undefined;
  return detection?.models ?? presetModelIds(preset);
}

export async function runVocDet(options: VocDetOptions): Promise<{ record: VocDetRecord; file: string }> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const preset = loadPreset(options.preset);
  const devkit = resolve(options.devkit ?? join(ROOT, 'data', 'fashion-voc', preset.name, 'VOCdevkit'));
  if (!existsSync(devkit)) throw new InputError(devkit, `no VOCdevkit here; make it with \`npx mgta make-fashion-voc --out data/fashion-voc/${preset.name} --preset ${preset.name}\``);
  const modelsDir = resolve(options.modelsDir ?? join(ROOT, 'models', preset.name));
  for (const path of options.extraModels ?? []) {
    // The res5 head starts from the model's layer4, which an ONNX file does not hand back.
    if (path.endsWith('.onnx')) throw new InputError(path, 'the detector needs a checkpoint directory; convert the ONNX file first with `npx mgta import-onnx --model <file.onnx> --out <dir>`');
  }
  const benchModels = resolveBenchModels(preset.name, options.models ?? detectionModelIds(preset), options.extraModels, modelsDir);
  const columns = options.columns ?? [...DET_COLUMNS];

  const train07 = loadDetSplit(devkit, '2007', 'trainval');
  const train12 = columns.includes('07+12') ? loadDetSplit(devkit, '2012', 'trainval', train07.classes) : undefined;
  const test = loadDetSplit(devkit, '2007', 'test', train07.classes);
  const protocol = parseDetectionPreset(preset.detection, preset.name, train07.classes.length + 1);
  const datasetSha = hashJson({
    '2007 trainval': await imagesFingerprint(train07.images), '2007 test': await imagesFingerprint(test.images),
    ...(train12 ? { '2012 trainval': await imagesFingerprint(train12.images) } : {}),
    annotations: [train07, test, ...(train12 ? [train12] : [])].map((s) => s.ids.map((id) => s.annotations.get(id))),
  });

  const lanes = benchModels.length > 1 ? (options.jobs ?? defaultLanes()) : 1;
  const started = performance.now();
  let run: ModelsRun;
  if (lanes > 1) {
    run = await runVocDetInLanes({ options: { ...options, columns }, preset: preset.name, models: benchModels, modelsDir, devkit, lanes, datasetSha, log });
  } else {
    const backend = await initBackend({ prefer: 'wasm', threads: options.threads, log: false });
    const context: ModelContext = { options, presetName: preset.name, modelsDir, columns, protocol, train07, train12, test, datasetSha, log };
    run = { models: {}, executionProvider: 'cpu', threads: options.threads ?? 0, backend: backend.name };
    for (const model of benchModels) {
      const done = await detectModel(context, model);
      run.models[model.id] = done.entry;
      run.executionProvider = done.executionProvider ?? run.executionProvider;
      run.threads = done.threads ?? run.threads;
    }
    run.threads ||= backend.threads;
    run.backend = backendInfo()?.name ?? backend.name;
  }
  const dataName = options.devkit ? basename(dirname(devkit)) : undefined;
  const file = resolve(options.out ?? join(ROOT, 'results', 'voc-det', `${preset.name}${dataName ? `-${dataName}` : ''}.json`));
  const record: VocDetRecord = {
    schemaVersion: RESULTS_SCHEMA_VERSION,
    benchmark: 'voc-det',
    createdAt: new Date().toISOString(),
    preset: preset.name,
    dataset: { name: options.devkit ? recordedPath(devkit) : `fashion-voc-${preset.name}`, sha256: datasetSha },
    protocol: {
      ...protocolRecord(protocol),
      trainSets: { '07': 'VOC2007 trainval', '07+12': 'VOC2007 trainval + VOC2012 trainval' },
      testSet: 'VOC2007 test',
      columns,
      bodyCache: { layer: 'res4', dtype: 'float16', enabled: options.cache !== false },
      inference: 'whole detector exported to ONNX (opset 17), onnxruntime-node',
      totalSeconds: (performance.now() - started) / 1000,
    },
    seeds: { detector: protocol.seed, bootstrap: protocol.seed },
    software: softwareVersions(['@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm', 'onnxruntime-node']),
    execution: { machine: machineInfo(), backend: run.backend, executionProvider: run.executionProvider, threads: run.threads, ...(lanes > 1 ? { jobs: lanes } : {}) },
    models: run.models,
  };
  writeJsonAtomic(file, record);
  return { record, file };
}

/** The protocol as parsed, plus what it resolves to per column, spelled out (bias rule, LR scaling, warm-up). */
function protocolRecord(protocol: DetectorProtocol): Record<string, unknown> {
  return {
    ...protocol,
    biasRule: protocol.biasRule === true,
    lrScaling: protocol.lrReference
      ? `linear: baseLr ${protocol.baseLr} = lrReference.baseLr ${protocol.lrReference.baseLr} x ${protocol.imagesPerIteration} / ${protocol.lrReference.imagesPerIteration} images per iteration`
      : 'none: baseLr as the preset gives it',
    warmupIterationsPerColumn: Object.fromEntries(DET_COLUMNS.map((column) => [column, warmupIterationsOf(protocol, protocol.schedules[column])])),
  } as unknown as Record<string, unknown>;
}

const fmt = (v: number | null): string => (v === null ? 'n/a' : (100 * v).toFixed(1));

/** The bootstrap interval of the VOC07 mAP, when libs/report provides it. */
async function bootstrap(evaluated: ReturnType<typeof evaluateDet>, seed: number): Promise<VocDetModelResult['map07Interval'] | undefined> {
  try {
    const report = (await import('@mgta/report')) as { bootstrapMapInterval?: (input: unknown, options: unknown) => VocDetModelResult['map07Interval'] };
    if (!report.bootstrapMapInterval) return undefined;
    return report.bootstrapMapInterval({ kind: 'detection', groundTruth: evaluated.groundTruth, detections: evaluated.columnar }, { resamples: 200, seed, metric: 'ap07' });
  } catch {
    return undefined;
  }
}

/** What every model's run shares: the splits, the parsed protocol and where things go. */
interface ModelContext {
  options: VocDetOptions;
  presetName: string;
  modelsDir: string;
  columns: DetColumn[];
  protocol: DetectorProtocol;
  train07: DetSplit;
  train12: DetSplit | undefined;
  test: DetSplit;
  datasetSha: string;
  log: (line: string) => void;
}

/** The models' results and how they ran (the record's `execution`, less the machine). */
export interface ModelsRun {
  models: VocDetRecord['models'];
  backend: string;
  executionProvider: string;
  threads: number;
}

/** One model: body maps, then per column heads trained, the detector run on test and evaluated. */
async function detectModel(context: ModelContext, { id, path }: { id: string; path: string }): Promise<{ entry: VocDetRecord['models'][string]; executionProvider?: string; threads?: number }> {
  const { options, presetName, modelsDir, columns, protocol, train07, train12, test, datasetSha, log } = context;
  const geometry = { scale: protocol.scale, maxSize: protocol.maxSize };
  const withFlips = (split: DetSplit) => [...split.images, ...(protocol.flip ? split.images.map((image) => ({ ...image, flipped: true })) : [])];
  let executionProvider: string | undefined;
  let threads: number | undefined;
  const checkpoint = await loadCheckpoint(await resolveModelPath(path));
  const normalization = checkpoint.manifest.pixelNormalization as Normalization;
  const width = widthOf(checkpoint.manifest.architecture);
  // ResNet v1 (stride on the 1x1 conv): the body, the res5 head, the run key and the record follow the model.
  const stride1x1 = stride1x1Of(checkpoint.manifest.architecture);
  const modelProtocol = protocolForModel(protocol, checkpoint.manifest.architecture);
  const bodySession = await createSession(exportEncoderOnnx(checkpoint.weights, { layer: 'res4', stride1x1 }), { device: 'cpu', threads: options.threads });
  const body = { session: bodySession.session, normalization, channels: featureChannels('res4', width), stride1x1 };
  const common = { body, geometry, modelSha256: checkpoint.manifest.weightsSha256, cache: options.cache, model: id };
  const b07 = await bodyFeatures(withFlips(train07), { ...common, sizes: [...train07.sizes, ...train07.sizes], label: `${id} body 07` });
  const b12 = train12 ? await bodyFeatures(withFlips(train12), { ...common, sizes: [...train12.sizes, ...train12.sizes], label: `${id} body 12` }) : undefined;
  await bodySession.session.release();
  const bodySeconds = b07.seconds + (b12?.seconds ?? 0);
  const entries07 = trainEntries(b07.set, train07);
  const entries12 = b12 && train12 ? trainEntries(b12.set, train12) : [];
  // The scale of the maps each column trains on, as the heads read them (float16).
  const bodyScale = { '07': float16Scale([b07.set.data]), '07+12': float16Scale([b07.set.data, ...(b12 ? [b12.set.data] : [])]) };
  log(`voc-det ${id}: body res4 ${formatScale(bodyScale['07'])} (VOC07 trainval${b12 ? `; with VOC12: ${formatScale(bodyScale['07+12'])}` : ''})`);
  const result: Record<string, VocDetModelResult> = {};
  for (const column of columns) {
    const entries: TrainEntry[] = column === '07' ? entries07 : [...entries07, ...entries12];
    const schedule = protocol.schedules[column];
    const key = runKey({ protocol: modelProtocol, schedule, entries: entries.length, pretrainedSha256: checkpoint.manifest.weightsSha256 });
    const work = new ContentCache('det-train').workDirOf({ key, dataset: datasetSha, column });
    log(`voc-det ${presetName} ${id} ${column}: ${entries.length} training images, ${schedule.iterations} iterations, ` +
      `base LR ${protocol.baseLr}, warm-up ${warmupIterationsOf(protocol, schedule)} (work dir ${work})`);
    const outcome = await trainDetector({ protocol: modelProtocol, schedule, entries, pretrained: checkpoint.weights, workDir: work, label: `${id} ${column} train` }, key);
    // Head features only when measured: a finished run read back from its work dir reports its checkpoint's
    // counts, and a checkpoint written before they were kept holds none.
    const trained = outcome.features.res5HeadInput.count > 0;
    const features = { body: bodyScale[column], ...(trained ? outcome.features : {}) };
    if (trained) log(`voc-det ${id} ${column}: res5 head input ${formatScale(outcome.features.res5HeadInput)}, pooled res5 ${formatScale(outcome.features.res5Pooled)}`);
    if (outcome.status === 'diverged') {
      log(`voc-det ${id} ${column}: diverged at iteration ${outcome.iteration} (reported as '-'): ${divergenceText(outcome.divergence)}`);
      result[column] = {
        status: 'diverged', divergedAtIteration: outcome.iteration, ...(outcome.divergence ? { divergence: outcome.divergence } : {}), features,
        iterations: outcome.iteration, seconds: { bodyFeatures: bodySeconds, train: outcome.seconds, inference: 0 },
      };
      disposeHeadWeights(outcome.weights);
      continue;
    }
    saveDetectorHeads(join(work, 'heads'), outcome.weights, { model: id, column, protocol: modelProtocol, modelSha256: checkpoint.manifest.weightsSha256 });
    const inference = await inferSplitOnnx({
      body: checkpoint.weights, heads: outcome.weights, protocol: modelProtocol, normalization, split: test, device: options.device,
      threads: options.threads, resultsDir: join(work, 'comp4'), label: `${id} ${column} infer`,
    });
    executionProvider = inference.executionProvider;
    threads = inference.threads;
    disposeHeadWeights(outcome.weights);
    const evaluated = evaluateDet(test, inference.rows);
    const interval = await bootstrap(evaluated, protocol.seed);
    result[column] = {
      status: 'ok',
      evaluation: evaluated.evaluation,
      ...(evaluated.ap50 !== null ? { ap50: evaluated.ap50 } : {}),
      ...(evaluated.ap75 !== null ? { ap75: evaluated.ap75 } : {}),
      ...(evaluated.apMean50to95 !== null ? { apMean50to95: evaluated.apMean50to95 } : {}),
      ...(interval ? { map07Interval: interval } : {}),
      features,
      iterations: outcome.iteration,
      seconds: { bodyFeatures: bodySeconds, train: outcome.seconds, inference: inference.seconds },
    };
    log(`voc-det ${id} ${column}: VOC07 mAP ${fmt(evaluated.evaluation.map07)}, AP50 ${fmt(evaluated.ap50)}, AP75 ${fmt(evaluated.ap75)}, AP ${fmt(evaluated.apMean50to95)}; ` +
      `train ${outcome.seconds.toFixed(0)} s, inference ${inference.msPerImage.toFixed(0)} ms/image (${inference.executionProvider})`);
  }
  const entry = { model: { name: path.startsWith(modelsDir) ? `${basename(modelsDir)}/${id}` : recordedPath(path), sha256: checkpoint.manifest.weightsSha256, width, ...stride1x1Field(stride1x1), ...pretrainingFacts(path) }, result };
  return { entry, executionProvider, threads };
}
