import { createRequire } from 'node:module';

/**
 * The second solver: libsvm (through libsvm-js, emscripten/wasm) C-SVC with a linear kernel.
 * This is the L1-loss (hinge) SVM with an unregularised bias, a different problem from
 * LinearSVC's squared hinge with regularised bias, so it is not the protocol's default;
 * it is here as an independent check and for users who want the hinge loss.
 *
 * libsvm-js exposes only labels, not decision values, so we read the dual coefficients
 * (y_i α_i, the first field of each SV line) and ρ from the serialised model and form
 * w = Σ coef_j x_j, decision = w·x − ρ. The sign follows libsvm's label order: decision
 * values are positive for the first label listed in the model.
 */
interface LibsvmModel {
  train(samples: number[][], labels: number[]): void;
  getSVIndices(): number[];
  serializeModel(): string;
  free(): void;
}
type LibsvmConstructor = (new (options: Record<string, unknown>) => LibsvmModel) & {
  SVM_TYPES: Record<string, number>;
  KERNEL_TYPES: Record<string, number>;
};

let loaded: Promise<LibsvmConstructor> | undefined;

function loadLibsvm(): Promise<LibsvmConstructor> {
  if (loaded === undefined) {
    // libsvm-js's emscripten loader tries `fetch(path)` first when fetch exists (Node >= 18),
    // fails on a file path, prints a warning and falls back to reading the file. Hide fetch
    // while it starts so that it reads the file directly, without the noise.
    const globals = globalThis as { fetch?: unknown };
    const savedFetch = globals.fetch;
    globals.fetch = undefined;
    try {
      loaded = createRequire(import.meta.url)('libsvm-js') as Promise<LibsvmConstructor>;
    } finally {
      globals.fetch = savedFetch;
    }
  }
  return loaded;
}

export interface LibsvmLinearOptions {
  cost: number;
  /** Per-label cost weights (libsvm -wi): the protocol's class_weight {1: 2, -1: 1}. */
  weights: { positive: number; negative: number };
  /** libsvm's stopping tolerance (-e); its default is 1e-3. */
  tolerance?: number;
}

/** Trains on `samples` (rows, labels ±1) and returns w with the bias last (w·x + b). */
export async function trainLibsvmLinear(samples: number[][], labels: number[], options: LibsvmLinearOptions): Promise<Float64Array> {
  const SVM = await loadLibsvm();
  const dim = samples[0].length;
  const svm = new SVM({
    type: SVM.SVM_TYPES.C_SVC,
    kernel: SVM.KERNEL_TYPES.LINEAR,
    cost: options.cost,
    weight: { '1': options.weights.positive, '-1': options.weights.negative },
    tolerance: options.tolerance ?? 1e-3,
    shrinking: true,
    quiet: true,
  });
  try {
    svm.train(samples, labels);
    const model = parseModel(svm.serializeModel());
    const indices = svm.getSVIndices();
    if (indices.length !== model.coefficients.length) throw new Error('libsvm: SV count mismatch');
    const sign = model.labels[0] === 1 ? 1 : -1;
    const w = new Float64Array(dim + 1);
    indices.forEach((row, j) => {
      const c = sign * model.coefficients[j];
      const x = samples[row];
      for (let k = 0; k < dim; k++) w[k] += c * x[k];
    });
    w[dim] = -sign * model.rho;
    return w;
  } finally {
    svm.free();
  }
}

function parseModel(text: string): { labels: number[]; rho: number; coefficients: number[] } {
  const lines = text.split('\n');
  let labels: number[] = [];
  let rho = 0;
  const coefficients: number[] = [];
  let inSv = false;
  for (const line of lines) {
    const trimmed = line.trim();
    if (trimmed.length === 0) continue;
    if (inSv) {
      coefficients.push(Number(trimmed.split(/\s+/)[0]));
    } else if (trimmed.startsWith('label ')) {
      labels = trimmed.split(/\s+/).slice(1).map(Number);
    } else if (trimmed.startsWith('rho ')) {
      rho = Number(trimmed.split(/\s+/)[1]);
    } else if (trimmed === 'SV') {
      inSv = true;
    }
  }
  if (labels.length === 1) labels.push(-labels[0]); // one-class data: libsvm lists one label
  return { labels, rho, coefficients };
}
