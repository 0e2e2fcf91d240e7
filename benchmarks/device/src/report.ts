/**
 * From the raw results the parts handed over (key → value, see emit.ts) to what the check
 * reports: parity verdicts, the timing table and the projection of the paper preset. Pure, so
 * the record can be re-derived after every result, and a cut-off run still reads whole.
 */
import { compareScalars, INFERENCE_TOLERANCE, TRAINING_TOLERANCE } from './parity.ts';
import { paperWorkload, projectPaper, type Measured, type PaperTimings, type Projection } from './projection.ts';

export type Results = Record<string, unknown>;
type Value = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface ParityRow {
  name: string;
  pass: boolean | null;
  detail: string;
}

export interface TimingRow {
  name: string;
  accelerated: string;
  cpu: string;
}

const ok = (v: unknown): v is Value => typeof v === 'object' && v !== null && !('error' in v);
const errorOf = (v: unknown): string | undefined => (typeof v === 'object' && v !== null && 'error' in v ? String((v as Value).error) : undefined);
const exp = (x: number) => x.toExponential(1);

export function parityRows(results: Results): ParityRow[] {
  const rows: ParityRow[] = [];
  for (const key of Object.keys(results).filter((k) => k.startsWith('parity.ort-res4-'))) {
    const label = key.slice('parity.ort-res4-'.length);
    const p = results[key] as Value;
    const shape = results[`ort.res4-${label}.cpu`] as Value | undefined;
    rows.push({ name: `ORT res4 ${label}${ok(shape) ? `, ${shape.batch}×${shape.size} px` : ''}`, pass: p.pass, detail: `rel max ${exp(p.relMax)} (tol ${exp(p.tolerance)})` });
  }
  const det = results['parity.ort-detector'] as Value | undefined;
  if (det) {
    rows.push({ name: `ORT detector, ${det.images} images`, pass: det.pass, detail: `matched ${det.matched}/${det.reference}, ${det.atCut} at cut, ${det.unexplained} lone; score Δ ${exp(det.maxScoreRelDiff)}` });
  }
  const kernels = kernelRow(results['tfjs.ref.kernels'], results['tfjs.accel.kernels']);
  if (kernels) rows.push(kernels);
  for (const [step, label] of [['ae-step', 'AE step'], ['head-step', 'det-head step']] as const) {
    const ref = results[`tfjs.ref.${step}`], acc = results[`tfjs.accel.${step}`];
    if (!ok(ref) || !ok(acc)) continue;
    const loss = compareScalars(acc.loss, ref.loss, TRAINING_TOLERANCE);
    const grad = compareScalars(acc.gradNorm, ref.gradNorm, TRAINING_TOLERANCE);
    rows.push({ name: `tfjs ${label} loss`, pass: loss.pass, detail: `${fmt(acc.loss)} vs ${fmt(ref.loss)}, rel ${exp(loss.relDiff)} (tol ${exp(loss.tolerance)})` });
    rows.push({ name: `tfjs ${label} gradient norm`, pass: grad.pass, detail: `${fmt(acc.gradNorm)} vs ${fmt(ref.gradNorm)}, rel ${exp(grad.relDiff)}` });
  }
  // The project's own (synchronous) training code on the accelerated back end: does it run?
  for (const [key, label] of [['project.ae-step', 'project autoEncoderStep runs'], ['project.det-train', 'project trainDetector runs']] as const) {
    const v = results[key];
    if (v !== undefined) rows.push({ name: label, pass: ok(v), detail: ok(v) ? `loss ${fmt(v.loss)}, ${v.ms} ms` : errorOf(v)! });
  }
  // A side that failed leaves its parity unanswered: say so rather than leave the row out.
  const unanswered = (name: string, keys: string[]) => {
    const error = keys.map((k) => errorOf(results[k])).find(Boolean);
    if (error) rows.push({ name, pass: null, detail: error });
  };
  if (!rows.some((r) => r.name.startsWith('ORT res4'))) unanswered('ORT res4', Object.keys(results).filter((k) => k.startsWith('ort.res4-')));
  if (!det) unanswered('ORT detector', ['ort.detector.cpu', 'ort.detector.accel']);
  if (!rows.some((r) => r.name.startsWith('tfjs AE'))) unanswered('tfjs AE step', ['tfjs.ref.backend', 'tfjs.accel.backend', 'tfjs.ref.ae-step', 'tfjs.accel.ae-step']);
  if (!rows.some((r) => r.name.startsWith('tfjs det-head'))) unanswered('tfjs det-head step', ['tfjs.ref.backend', 'tfjs.accel.backend', 'tfjs.ref.head-step', 'tfjs.accel.head-step']);
  return rows;
}

/** One row for the kernel probes: each probe's checksums within the inference tolerance. */
function kernelRow(ref: unknown, acc: unknown): ParityRow | undefined {
  if (!ok(ref) || !ok(acc)) return undefined;
  const bad: string[] = [];
  let worst = 0;
  for (const [name, r] of Object.entries(ref as Record<string, Value>)) {
    const a = (acc as Record<string, Value>)[name];
    if (!ok(r) || !ok(a)) {
      bad.push(`${name}: ${errorOf(a) ?? errorOf(r) ?? 'missing'}`);
      continue;
    }
    // a random projection's size is about the gradient's norm: compare its change to that
    const rel = Math.max(Math.abs(a.sumSquares - r.sumSquares) / r.sumSquares, Math.abs(a.projection - r.projection) / Math.sqrt(r.sumSquares));
    worst = Math.max(worst, rel);
    if (!(rel <= INFERENCE_TOLERANCE)) bad.push(`${name} ${exp(rel)}`);
  }
  const count = Object.keys(ref as object).length;
  return { name: `tfjs kernel gradients (${count})`, pass: bad.length === 0, detail: bad.length === 0 ? `worst rel ${exp(worst)} (tol ${exp(INFERENCE_TOLERANCE)})` : `off: ${bad.join(', ')}` };
}

const fmt = (x: number) => (Math.abs(x) >= 1e4 || Math.abs(x) < 1e-3 ? x.toExponential(4) : x.toPrecision(6));

/** "12.3 (tfjs webgpu, b8)", or the error. */
function cell(v: unknown, field = 'msPerImage'): string {
  if (v === undefined) return '–';
  if (!ok(v)) return `failed: ${errorOf(v)?.slice(0, 25)}…`;
  const ms = v[field] as number;
  return `${ms < 10 ? ms.toFixed(2) : ms.toFixed(ms < 100 ? 1 : 0)} (${v.backend}${v.batch ? `, b${v.batch}` : ''})`;
}

export function timingRows(results: Results): TimingRow[] {
  const rows: TimingRow[] = [];
  for (const key of Object.keys(results).filter((k) => /^ort\.res4-.*\.cpu$/.test(k))) {
    const label = key.slice('ort.res4-'.length, -'.cpu'.length);
    const v = results[key] as Value;
    rows.push({ name: `res4 ${label} ${v.size ?? '?'} px (ORT)`, accelerated: cell(results[`ort.res4-${label}.accel`]), cpu: cell(v) });
  }
  const det = results['ort.detector.cpu'] as Value | undefined;
  const scale = ok(det) ? ` ${det.scale}/${det.maxSize}` : '';
  rows.push({ name: `detector${scale} (ORT${ok(det) ? ` x${det.widthLabel}` : ''})`, accelerated: cell(results['ort.detector.accel']), cpu: cell(det) });
  rows.push({ name: `body map${scale} (ORT)`, accelerated: cell(results['ort.body.accel']), cpu: cell(results['ort.body.cpu']) });
  for (const key of Object.keys(results).filter((k) => k.startsWith('timing.') && k !== 'timing.kmeans' && k !== 'timing.det-head-iteration')) {
    rows.push({ name: `${key.slice('timing.'.length)} (tfjs${ok(results[key]) ? ` x${(results[key] as Value).widthLabel}` : ''})`, accelerated: cell(results[key]), cpu: '–' });
  }
  const head = results['timing.det-head-iteration'] as Value | undefined;
  const jsPart = ok(head) && typeof head.cpuMsPerIteration === 'number' ? `; JS on CPU ${head.cpuMsPerIteration.toFixed(0)}` : '';
  rows.push({ name: `det-head iteration${ok(head) ? ` (${head.imagesPerIteration} img)` : ''}, ms/it`, accelerated: cell(head, 'msPerIteration').replace(/\)$/, `${jsPart})`), cpu: '–' });
  const km = results['timing.kmeans'] as Value | undefined;
  rows.push({ name: `k-means ${ok(km) ? `${km.rows}×${km.d} k=${km.k}` : ''}, ms/it`, accelerated: '–', cpu: cell(km, 'iterationMs') });
  return rows;
}

/** The projection from the accelerated side's timings (the CPU's only for k-means, which has no GPU path). */
export function projection(results: Results, paperPreset: Value): Projection {
  const measured = (key: string, field = 'msPerImage'): Measured | undefined => {
    const v = results[key];
    return ok(v) && typeof v[field] === 'number' ? { ms: v[field], source: `${v.backend}${v.batch ? `, batch ${v.batch}` : ''}${v.size ? `, ${v.size} px` : ''}` } : undefined;
  };
  const size = paperPreset.pretrain.inputSize as number;
  const km = results['timing.kmeans'];
  const timings: PaperTimings = {
    aeStep: measured(`timing.ae-step-${size}`),
    supervisedStep: measured(`timing.supervised-step-${size}`),
    features: measured(`timing.features-${size}`),
    kmeans: ok(km) ? { seedingMs: km.seedingMs, iterationMs: km.iterationMs, rows: km.rows, k: km.k, source: km.backend } : undefined,
    detHeadIteration: measured('timing.det-head-iteration', 'msPerIteration'),
    bodyMap: measured('ort.body.accel'),
    detector: measured('ort.detector.accel'),
  };
  return projectPaper(paperWorkload(paperPreset), timings);
}
