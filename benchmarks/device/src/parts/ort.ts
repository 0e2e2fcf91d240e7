/**
 * ONNX Runtime, accelerated provider (webgpu; in the CPU rehearsal: the CPU provider on one
 * thread) against the CPU provider on every core, on the same seeded weights and inputs:
 *   - the res4 encoder at each width of the profile, batch of N(0, 1) images at 224: parity of
 *     the maps and ms per image;
 *   - the res4 encoder at the detection scale (the body maps of detector training), ms per image;
 *   - the whole detector graph at the preset's scale: boxes matched by class and IoU ≥ 0.99,
 *     scores compared, ms per image.
 */
import { availableParallelism } from 'node:os';
import * as ort from 'onnxruntime-node';
import { exportDetectorOnnx, headConfigOf, initHeadWeights, disposeHeadWeights, readVariables, detectorInputs, type DetectorProtocol } from '@mgta/detection';
import { detectionTransform } from '@mgta/imaging';
import { createSession, exportEncoderOnnx, randomResnet50Weights } from '@mgta/onnx';
import { formatWidth, pixelNormalizationDefault } from '@mgta/resnet';
import { attempt, emit } from '../emit.ts';
import { compareTensors, INFERENCE_TOLERANCE } from '../parity.ts';
import { matchDetections, type DetectionParity, type Detections } from '../detections-match.ts';
import type { Profile } from '../profiles.ts';
import { normalValues, sceneImage, SCENE_SHAPES } from '../synthetic.ts';
import { timeSteps } from '../timing.ts';

export interface OrtPartOptions {
  mode: 'gpu' | 'cpu';
  profile: Profile;
  protocol: DetectorProtocol;
  seed: number;
}

interface Side {
  name: 'cpu' | 'accel';
  device: 'cpu' | 'webgpu';
  threads: number;
}

function sides(mode: OrtPartOptions['mode']): Side[] {
  const cores = availableParallelism();
  return [
    { name: 'cpu', device: 'cpu', threads: cores },
    mode === 'gpu' ? { name: 'accel', device: 'webgpu', threads: cores } : { name: 'accel', device: 'cpu', threads: 1 },
  ];
}

const describe = (side: Side) => `ORT ${side.device}, ${side.threads} thread${side.threads === 1 ? '' : 's'}`;

export async function ortPart(options: OrtPartOptions): Promise<void> {
  for (const width of options.profile.ortRes4.widths) await res4Parity(options, width);
  await detectorParity(options);
}

async function res4Parity({ mode, profile, seed }: OrtPartOptions, width: number): Promise<void> {
  const { size, batch, reps } = profile.ortRes4;
  const label = `x${formatWidth(width)}`;
  const model = exportEncoderOnnx(randomResnet50Weights(seed, 'res4', width), { layer: 'res4' });
  const input = new ort.Tensor('float32', normalValues(seed + 1, batch * 3 * size * size), [batch, 3, size, size]);
  const outputs: Partial<Record<Side['name'], Float32Array>> = {};
  for (const side of sides(mode)) {
    await attempt(`ort.res4-${label}.${side.name}`, async () => {
      const { session, executionProvider } = await createSession(model, { device: side.device, threads: side.threads });
      try {
        let output: Float32Array | undefined;
        const timing = await timeSteps(async () => {
          output = (await session.run({ image: input })).res4.data as Float32Array;
        }, { reps, budgetS: profile.stepBudgetS });
        outputs[side.name] = output;
        return { backend: describe(side), executionProvider, width, size, batch, msPerImage: timing.medianMs / batch, ...timing };
      } finally {
        await session.release();
      }
    });
  }
  if (outputs.cpu && outputs.accel) emit(`parity.ort-res4-${label}`, compareTensors(outputs.accel, outputs.cpu, INFERENCE_TOLERANCE));
}

/**
 * Random heads give near-uniform class scores: the top-N cut would then be a tie among hundreds
 * of boxes. Larger RPN and classifier weights spread the scores, so that the detections are a
 * stable set whose scores can be compared.
 */
const SPREAD = { 'rpn.cls.weight': 10, 'cls_score.weight': 30 } as const;

async function detectorParity({ mode, profile, protocol, seed }: OrtPartOptions): Promise<void> {
  const { width, images: count, reps } = profile.detector;
  const body = randomResnet50Weights(seed, 'res5', width);
  const heads = initHeadWeights(headConfigOf(protocol, 1024 * width), body, seed);
  const trainable = readVariables(heads.trainable);
  const frozen = readVariables(heads.frozen);
  disposeHeadWeights(heads);
  for (const [name, factor] of Object.entries(SPREAD)) {
    const values = trainable.get(name)!.data;
    for (let i = 0; i < values.length; i++) values[i] *= factor;
  }
  const model = exportDetectorOnnx({ body, heads: { trainable, frozen }, protocol });
  const bodyModel = exportEncoderOnnx(body, { layer: 'res4' });
  const normalization = { ...pixelNormalizationDefault };
  const scenes = SCENE_SHAPES.slice(0, count).map(([w, h], i) => sceneImage(seed + 10 + i, w, h));
  const results: Partial<Record<Side['name'], Detections[]>> = {};

  for (const side of sides(mode)) {
    await attempt(`ort.detector.${side.name}`, async () => {
      const { session, executionProvider } = await createSession(model, { device: side.device, threads: side.threads });
      try {
        const feeds = scenes.map((scene) => detectorInputs(scene, protocol, normalization).feeds);
        const found: Detections[] = [];
        const timing = await timeSteps(async () => {
          found.length = 0;
          for (const f of feeds) {
            const out = await session.run(f);
            found.push({ boxes: out.boxes.data as Float32Array, scores: out.scores.data as Float32Array, labels: Array.from(out.labels.data as BigInt64Array, Number) });
          }
        }, { reps, budgetS: profile.stepBudgetS });
        results[side.name] = [...found];
        const detections = found.reduce((s, d) => s + d.scores.length, 0) / found.length;
        return {
          backend: describe(side), executionProvider, width, widthLabel: formatWidth(width), scale: protocol.scale, maxSize: protocol.maxSize, images: scenes.length,
          msPerImage: timing.medianMs / scenes.length, detectionsPerImage: detections, modelMiB: Math.round(model.length / 2 ** 20), ...timing,
        };
      } finally {
        await session.release();
      }
    });
    await attempt(`ort.body.${side.name}`, async () => {
      const { session } = await createSession(bodyModel, { device: side.device, threads: side.threads });
      try {
        const { image } = detectionTransform(scenes[0], protocol.scale, protocol.maxSize);
        const tensor = new ort.Tensor('float32', normalValues(seed + 2, 3 * image.height * image.width), [1, 3, image.height, image.width]);
        const timing = await timeSteps(() => session.run({ image: tensor }), { reps, budgetS: profile.stepBudgetS });
        return { backend: describe(side), width, height: image.height, imageWidth: image.width, msPerImage: timing.medianMs, ...timing };
      } finally {
        await session.release();
      }
    });
  }
  if (results.cpu && results.accel) {
    const perImage = results.accel.map((accel, i) => matchDetections(accel, results.cpu![i], {
      scoreThreshold: protocol.detectron.testScoreThresh, limit: protocol.detectron.testDetectionsPerImage, tolerance: INFERENCE_TOLERANCE,
    }));
    emit('parity.ort-detector', summarise(perImage));
  }
}

/** One verdict over the images: counts summed, worst score difference and IoU. */
function summarise(perImage: DetectionParity[]): DetectionParity & { images: number } {
  const sum = (f: (p: DetectionParity) => number) => perImage.reduce((s, p) => s + f(p), 0);
  return {
    images: perImage.length,
    actual: sum((p) => p.actual), reference: sum((p) => p.reference), matched: sum((p) => p.matched),
    maxScoreRelDiff: Math.max(...perImage.map((p) => p.maxScoreRelDiff)), minMatchedIou: Math.min(...perImage.map((p) => p.minMatchedIou)),
    atCut: sum((p) => p.atCut), unexplained: sum((p) => p.unexplained), tolerance: perImage[0].tolerance,
    pass: perImage.every((p) => p.pass),
  };
}
