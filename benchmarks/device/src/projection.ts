/**
 * The `paper` preset's work, counted from its JSON, and its wall time projected from measured
 * per-image timings (issue 15). Counting (the README once said 12 million image-steps):
 *
 *   IAE          iae.epochs × n                                  100 × 60,000 = 6.0M
 *   MGTA, per K  T rounds × E epochs over D1 + D2 (= n), then E   (10·10 + 10) × 60,000 = 6.6M
 *                epochs on all n (train-mgta.ts; mutualGuidancePlan)
 *   supervised   supervised.epochs × n                           100 × 60,000 = 6.0M
 *                                                                total ≈ 25.2M image-steps
 *
 * plus, per MGTA run, the clustering: before each of its 2T + 1 stages the labeler's features
 * of the stage's rows (n/2, n/2, ..., n: 11 × 60,000 forward passes) and k-means on them
 * (restarts × (seeding + at most maxIterations Lloyd iterations); the projection takes the cap,
 * an upper bound). Detection, per model and column: the body maps of every training image (and
 * its flip) once, the head iterations, and the VOC07 test images through the whole detector.
 */

/** PASCAL VOC image counts (the devkits' ImageSets/Main lists). */
export const VOC = { trainval07: 5011, trainval12: 11540, test07: 4952 } as const;

export interface Clustering {
  rows: number;
  k: number;
  count: number;
}

export interface PaperWorkload {
  images: number;
  inputSize: number;
  iaeImageSteps: number;
  supervisedImageSteps: number;
  mgta: Array<{ k: number; imageSteps: number; featureImages: number; clusterings: Clustering[] }>;
  kmeans: { restarts: number; maxIterations: number };
  detection: {
    models: number;
    imagesPerIteration: number;
    columns: Array<{ name: string; iterations: number; bodyMaps: number; testImages: number }>;
  };
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function need(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error(`paper preset: ${field} must be a number, got ${JSON.stringify(value)}`);
  return value;
}

/** The work the preset asks for, from its JSON (benchmarks/presets/paper.json). */
export function paperWorkload(preset: Json): PaperWorkload {
  const p = preset.pretrain as Json;
  const n = need(p.images ?? preset.data?.pretrain?.images, 'pretrain.images / data.pretrain.images');
  const { T, E } = p.mgta as Json;
  need(T, 'pretrain.mgta.T');
  need(E, 'pretrain.mgta.E');
  const half = Math.floor(n / 2);
  const mgta = (p.mgta.k as number[]).map((k) => ({
    k,
    imageSteps: (T * E + E) * n,
    featureImages: T * n + n,
    clusterings: [{ rows: half, k, count: T }, { rows: n - half, k, count: T }, { rows: n, k, count: 1 }],
  }));
  const d = preset.detection as Json;
  const flips = d.flip ? 2 : 1;
  const trainImages: Record<string, number> = { '07': VOC.trainval07, '07+12': VOC.trainval07 + VOC.trainval12 };
  const columns = Object.entries(d.schedules as Record<string, { iterations: number }>).map(([name, s]) => ({
    name,
    iterations: need(s.iterations, `detection.schedules.${name}.iterations`),
    bodyMaps: need(trainImages[name], `VOC images of column ${name}`) * flips,
    testImages: VOC.test07,
  }));
  return {
    images: n,
    inputSize: need(p.inputSize, 'pretrain.inputSize'),
    iaeImageSteps: need(p.iae.epochs, 'pretrain.iae.epochs') * n,
    supervisedImageSteps: need(p.supervised.epochs, 'pretrain.supervised.epochs') * n,
    mgta,
    kmeans: { restarts: need(p.mgta.kmeansRestarts ?? 3, 'pretrain.mgta.kmeansRestarts'), maxIterations: need(p.mgta.kmeansMaxIterations ?? 100, 'pretrain.mgta.kmeansMaxIterations') },
    // random, iae, one per MGTA K, supervised (benchmarks/src/model-registry.ts presetModelIds)
    detection: { models: 3 + mgta.length, imagesPerIteration: need(d.imagesPerIteration, 'detection.imagesPerIteration'), columns },
  };
}

/** A measured time and where it came from ("tfjs webgpu, batch 8, 224 px"). */
export interface Measured {
  ms: number;
  source: string;
}

export interface PaperTimings {
  /** One auto-encoder training step at the preset's input size, per image. */
  aeStep?: Measured;
  /** One supervised step, per image (absent: the AE step's, an upper bound). */
  supervisedStep?: Measured;
  /** Forward pass to the clustered feature, per image. */
  features?: Measured;
  kmeans?: { seedingMs: number; iterationMs: number; rows: number; k: number; source: string };
  /** One detector-head iteration (imagesPerIteration images). */
  detHeadIteration?: Measured;
  /** res4 body map at the detection scale, per image. */
  bodyMap?: Measured;
  /** The whole detector at the detection scale, per image. */
  detector?: Measured;
}

export interface ProjectionRow {
  part: 'pretraining' | 'detection';
  what: string;
  count: number;
  unit: string;
  msEach: number | null;
  seconds: number | null;
  source: string;
}

export interface Projection {
  rows: ProjectionRow[];
  /** null when a row it needs was not measured. */
  pretrainingSeconds: number | null;
  detectionSeconds: number | null;
  imageSteps: number;
}

export function projectPaper(work: PaperWorkload, t: PaperTimings): Projection {
  const rows: ProjectionRow[] = [];
  const row = (part: ProjectionRow['part'], what: string, count: number, unit: string, m: Measured | undefined) =>
    rows.push({ part, what, count, unit, msEach: m?.ms ?? null, seconds: m ? (count * m.ms) / 1000 : null, source: m?.source ?? 'not measured' });

  row('pretraining', 'IAE', work.iaeImageSteps, 'image-steps', t.aeStep);
  for (const run of work.mgta) {
    row('pretraining', `MGTA k=${run.k}: training`, run.imageSteps, 'image-steps', t.aeStep);
    row('pretraining', `MGTA k=${run.k}: features to cluster`, run.featureImages, 'images', t.features);
    // A pass over the rows costs ∝ rows·k (seeding is k passes of one centre each: also ∝ rows·k).
    const km = t.kmeans;
    const clusterings = run.clusterings.reduce((sum, c) => sum + c.count, 0);
    const iterations = clusterings * work.kmeans.restarts * work.kmeans.maxIterations;
    const ms = km && run.clusterings.reduce((sum, c) => sum + c.count * work.kmeans.restarts
      * (km.seedingMs + work.kmeans.maxIterations * km.iterationMs) * ((c.rows * c.k) / (km.rows * km.k)), 0);
    row('pretraining', `MGTA k=${run.k}: k-means, ${clusterings} runs × ${work.kmeans.restarts} restarts × ≤${work.kmeans.maxIterations}`,
      iterations, 'iterations (seeding counted in)', km && { ms: ms! / iterations, source: km.source });
  }
  row('pretraining', 'supervised', work.supervisedImageSteps, 'image-steps', t.supervisedStep ?? (t.aeStep && { ms: t.aeStep.ms, source: `${t.aeStep.source} (AE step: an upper bound)` }));

  const models = work.detection.models;
  for (const c of work.detection.columns) {
    row('detection', `${c.name}: body maps (${models} models)`, models * c.bodyMaps, 'images', t.bodyMap);
    row('detection', `${c.name}: head training (${models} models)`, models * c.iterations, 'iterations', t.detHeadIteration);
    row('detection', `${c.name}: test inference (${models} models)`, models * c.testImages, 'images', t.detector);
  }
  const total = (part: ProjectionRow['part']) => {
    const mine = rows.filter((r) => r.part === part);
    return mine.some((r) => r.seconds === null) ? null : mine.reduce((s, r) => s + r.seconds!, 0);
  };
  const imageSteps = work.iaeImageSteps + work.supervisedImageSteps + work.mgta.reduce((s, m) => s + m.imageSteps, 0);
  return { rows, pretrainingSeconds: total('pretraining'), detectionSeconds: total('detection'), imageSteps };
}

/** 93 s, 2.5 h, 3.1 days, 1.4 years. */
export function formatDuration(seconds: number | null): string {
  if (seconds === null) return 'n/a';
  if (seconds < 120) return `${seconds.toFixed(0)} s`;
  if (seconds < 7200) return `${(seconds / 60).toFixed(0)} min`;
  if (seconds < 3 * 86400) return `${(seconds / 3600).toFixed(1)} h`;
  if (seconds < 730 * 86400) return `${(seconds / 86400).toFixed(1)} days`;
  return `${(seconds / (365.25 * 86400)).toFixed(1)} years`;
}
