import { Random } from '@mgta/core';

/**
 * Synthetic VOC07-like features for benchmarks and tests: non-negative rows (a ReLU of
 * Gaussian noise, as pooled res4 features are), each class adding a sparse non-negative
 * pattern (on ~5% of the dimensions) with a random strength to its positive images, at the
 * VOC2007 trainval positive rate of the class; 5% of the positives become label 0
 * (difficult only). Deterministic for a seed.
 */
// VOC2007 trainval images containing each class (VOC2007 devkit statistics, "img" column).
export const VOC07_TRAINVAL_IMAGES: Readonly<Record<string, number>> = {
  aeroplane: 238, bicycle: 243, bird: 330, boat: 181, bottle: 244, bus: 186, car: 713, cat: 337,
  chair: 445, cow: 141, diningtable: 200, dog: 421, horse: 287, motorbike: 245, person: 2008,
  pottedplant: 245, sheep: 96, sofa: 229, train: 261, tvmonitor: 256,
};
const DIFFICULT_ONLY_RATE = 0.05;

export interface SyntheticVocOptions {
  seed: number;
  trainRows: number;
  testRows: number;
  dim: number;
  /** The first k VOC classes (at most 20). */
  classes: number;
  /** Scale of the class patterns (0.15 gives VOC-like APs at 9216 dimensions). */
  signal: number;
}

export interface SyntheticSplit {
  data: Float32Array;
  /** Per class, VOC labels 1 / -1 / 0 per row. */
  labels: Int8Array[];
}

export function syntheticVocFeatures(options: SyntheticVocOptions): { classNames: string[]; train: SyntheticSplit; test: SyntheticSplit } {
  const { dim, signal } = options;
  const classNames = Object.keys(VOC07_TRAINVAL_IMAGES).slice(0, options.classes);
  const random = new Random(options.seed);
  const patterns = classNames.map(() => Float32Array.from({ length: dim }, () => (random.next() < 0.05 ? 2 * random.next() : 0)));
  const synthesize = (rows: number): SyntheticSplit => {
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
  };
  const train = synthesize(options.trainRows);
  const test = synthesize(options.testRows);
  return { classNames, train, test };
}
