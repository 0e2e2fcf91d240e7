import { fromFloat16 } from './float16.ts';
import type { Divergence } from './trainer.ts';

/** Largest finite float16; larger float32 values become Inf when a body map is stored (float32ToFloat16Array). */
export const FLOAT16_MAX = 65504;

/**
 * Scale of a set of feature values: root mean square and largest magnitude (res4 and the pooled
 * res5 are post-ReLU, so this is the max). Unit-scale features (RMS ~1) are what Detectron's head
 * initialisation and LR assume; the divergence in issue 11 matched pooled res5 features 8-25x that.
 */
export interface FeatureScale {
  rms: number;
  maxAbs: number;
  /** Values counted. */
  count: number;
}

/** max(max, |v|), where a NaN on either side stays NaN. */
const maxAbsOf = (max: number, v: number): number => (Number.isNaN(max) || Number.isNaN(v) ? NaN : Math.max(max, Math.abs(v)));

export interface ScaleSums {
  sumSquares: number;
  max: number | null;
  n: number;
}

/** Accumulates FeatureScale over float32 chunks (float64 sums); a NaN makes RMS and max NaN. */
export class ScaleAccumulator {
  private sumSquares = 0;
  private max = 0;
  private n = 0;

  add(values: ArrayLike<number>): this {
    let sum = 0, max = 0, nan = false;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      sum += v * v;
      const a = Math.abs(v);
      if (a > max) max = a;
      else if (a !== a) nan = true;
    }
    this.sumSquares += sum;
    this.max = maxAbsOf(this.max, nan ? NaN : max);
    this.n += values.length;
    return this;
  }

  /** Adds what another accumulator counted. */
  merge(other: ScaleAccumulator): this {
    this.sumSquares += other.sumSquares;
    this.max = maxAbsOf(this.max, other.max);
    this.n += other.n;
    return this;
  }

  get count(): number {
    return this.n;
  }

  /** What it has counted, as JSON (a NaN max as null): a checkpoint keeps it so a resumed run reports every iteration. */
  sums(): ScaleSums {
    return { sumSquares: this.sumSquares, max: Number.isNaN(this.max) ? null : this.max, n: this.n };
  }

  static fromSums(sums: ScaleSums): ScaleAccumulator {
    const accumulator = new ScaleAccumulator();
    accumulator.sumSquares = sums.sumSquares;
    accumulator.max = sums.max ?? NaN;
    accumulator.n = sums.n;
    return accumulator;
  }

  result(): FeatureScale {
    return { rms: this.n === 0 ? 0 : Math.sqrt(this.sumSquares / this.n), maxAbs: this.max, count: this.n };
  }
}

/**
 * FeatureScale of float16 data, as the heads read it: a histogram of the 65536 half patterns
 * (exact and order-independent, so a cached and a freshly computed set give the same numbers).
 */
export function float16Scale(chunks: readonly Uint16Array[]): FeatureScale {
  const counts = new Float64Array(65536);
  let n = 0;
  for (const halves of chunks) {
    for (let i = 0; i < halves.length; i++) counts[halves[i]]++;
    n += halves.length;
  }
  let sumSquares = 0, max = 0;
  for (let h = 0; h < 65536; h++) {
    if (counts[h] === 0) continue;
    const v = fromFloat16(h);
    sumSquares += counts[h] * v * v;
    max = maxAbsOf(max, v);
  }
  return { rms: n === 0 ? 0 : Math.sqrt(sumSquares / n), maxAbs: max, count: n };
}

/** Index of the first Inf/NaN half in `halves` (exponent bits all ones), or -1. */
export function firstNonFiniteHalf(halves: Uint16Array): number {
  for (let i = 0; i < halves.length; i++) if ((halves[i] & 0x7c00) === 0x7c00) return i;
  return -1;
}

/** How a float32 map would fare in float16: its largest magnitude and how many values are non-finite or overflow. */
export function float16Overflow(values: Float32Array): { maxAbs: number; nonFinite: number; overflow: number } {
  let maxAbs = 0, nonFinite = 0, overflow = 0;
  for (let i = 0; i < values.length; i++) {
    const a = Math.abs(values[i]);
    if (a <= FLOAT16_MAX) { if (a > maxAbs) maxAbs = a; continue; }
    if (Number.isFinite(a)) { overflow++; if (a > maxAbs) maxAbs = a; } else nonFinite++;
  }
  return { maxAbs, nonFinite, overflow };
}

export const formatScale = (s: FeatureScale): string => `RMS ${fmt(s.rms)}, max ${fmt(s.maxAbs)}`;
const fmt = (v: number): string => (Number.isFinite(v) ? (Math.abs(v) >= 1000 || (v !== 0 && Math.abs(v) < 0.01) ? v.toExponential(2) : v.toFixed(3)) : String(v));

/** A diverged run's measured cause, in one line. */
export function divergenceText(d: Divergence | undefined): string {
  if (!d) return 'cause not measured';
  const losses = Object.entries(d.nonFiniteLosses).map(([name, value]) => `${name} ${value}`).join(', ');
  const weights = d.nonFiniteWeights.length > 0 ? `; weights already non-finite: ${d.nonFiniteWeights.join(', ')}` : '';
  return `iteration ${d.iteration} (LR ${d.lr.toPrecision(3)}): ${losses} not finite${weights}; res5 head input ${formatScale(d.features.res5HeadInput)}, pooled res5 ${formatScale(d.features.res5Pooled)}`;
}
