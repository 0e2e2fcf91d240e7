/**
 * Runs the k-means distance kernels over row ranges, on the calling thread (threads = 1) or on
 * a pool of worker threads that share the data through SharedArrayBuffers (no copies per pass).
 *
 * Rows are split into one contiguous range per thread; each thread writes only its own rows of
 * labels/minDist, and the per-row results do not depend on the split (see distance-kernel.ts),
 * so results are identical for any thread count. Reductions (sums over rows) are done by the
 * caller on the main thread in row order.
 */
import { Worker } from 'node:worker_threads';
import { assignRows, rowNorms, updateMinDistToCentroid, type KernelArrays } from './distance-kernel.ts';

export interface WorkerSetup {
  d: number;
  x: SharedArrayBuffer;
  xNorm: SharedArrayBuffer;
  centroids: SharedArrayBuffer;
  cNorm: SharedArrayBuffer;
  labels: SharedArrayBuffer;
  minDist: SharedArrayBuffer;
}

export type WorkerRequest =
  | { op: 'assign'; k: number; r0: number; r1: number }
  | { op: 'minDist'; j: number; r0: number; r1: number }
  | { op: 'norms'; r0: number; r1: number };

/** Shared arrays for n rows of dimension d and up to kMax centroids. `x` is copied in once. */
export function allocateKernelArrays(x: Float32Array, n: number, d: number, kMax: number): KernelArrays {
  const shared = (bytes: number) => new SharedArrayBuffer(Math.max(8, bytes));
  let xs: Float32Array;
  if (x.buffer instanceof SharedArrayBuffer && x.length === n * d) {
    xs = x; // already shareable: no 0.5 GB copy at the paper's size
  } else {
    xs = new Float32Array(shared(n * d * 4));
    xs.set(x.subarray(0, n * d));
  }
  return {
    x: xs,
    xNorm: new Float64Array(shared(n * 8)),
    centroids: new Float32Array(shared(kMax * d * 4)),
    cNorm: new Float64Array(shared(kMax * 8)),
    labels: new Int32Array(shared(n * 4)).fill(-1),
    minDist: new Float64Array(shared(n * 8)),
  };
}

export class KernelPool {
  private readonly workers: Worker[];
  private readonly ranges: Array<[number, number]>;

  private constructor(
    private readonly arrays: KernelArrays,
    private readonly n: number,
    private readonly d: number,
    workers: Worker[],
    threads: number,
  ) {
    this.workers = workers;
    this.ranges = splitRows(n, threads);
  }

  /** threads ≤ 1 runs everything on the calling thread and starts no workers. */
  static async create(arrays: KernelArrays, n: number, d: number, threads: number): Promise<KernelPool> {
    const count = Math.max(1, Math.min(Math.floor(threads), Math.ceil(n / 4)));
    const workers: Worker[] = [];
    if (count > 1) {
      const setup: WorkerSetup = {
        d,
        x: arrays.x.buffer as SharedArrayBuffer,
        xNorm: arrays.xNorm.buffer as SharedArrayBuffer,
        centroids: arrays.centroids.buffer as SharedArrayBuffer,
        cNorm: arrays.cNorm.buffer as SharedArrayBuffer,
        labels: arrays.labels.buffer as SharedArrayBuffer,
        minDist: arrays.minDist.buffer as SharedArrayBuffer,
      };
      for (let w = 0; w < count; w++) {
        // A JS entry that registers tsx and then imports the TypeScript worker: works under
        // plain tsx and under vitest alike. execArgv [] so the parent's loader flags don't leak in.
        workers.push(new Worker(new URL('./kernel-worker-entry.mjs', import.meta.url), {
          workerData: setup,
          execArgv: [],
        }));
      }
    }
    const pool = new KernelPool(arrays, n, d, workers, count);
    await pool.run((r0, r1) => ({ op: 'norms', r0, r1 }), (r0, r1) => { rowNorms(arrays.x, d, r0, r1, arrays.xNorm); return 0; });
    return pool;
  }

  get threads(): number {
    return this.ranges.length;
  }

  /** Nearest of the first k centroids for every row; returns how many labels changed. */
  assign(k: number): Promise<number> {
    return this.run((r0, r1) => ({ op: 'assign', k, r0, r1 }), (r0, r1) => assignRows(this.arrays, this.d, k, r0, r1));
  }

  /** minDist = min(minDist, distance to centroid j) for every row. */
  async updateMinDist(j: number): Promise<void> {
    await this.run((r0, r1) => ({ op: 'minDist', j, r0, r1 }), (r0, r1) => { updateMinDistToCentroid(this.arrays, this.d, j, r0, r1); return 0; });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  /** One request per row range; returns the sum of the (integer) replies. */
  private async run(request: (r0: number, r1: number) => WorkerRequest, local: (r0: number, r1: number) => number): Promise<number> {
    if (this.workers.length === 0) return local(0, this.n);
    const replies = await Promise.all(this.workers.map((worker, w) => new Promise<number>((resolve, reject) => {
      const onMessage = (value: number) => { worker.off('error', onError); resolve(value); };
      const onError = (error: Error) => { worker.off('message', onMessage); reject(error); };
      worker.once('message', onMessage);
      worker.once('error', onError);
      const [r0, r1] = this.ranges[w];
      worker.postMessage(request(r0, r1));
    })));
    return replies.reduce((a, b) => a + b, 0);
  }
}

/** Contiguous row ranges, one per thread, with boundaries on multiples of 4 (whole tiles). */
export function splitRows(n: number, threads: number): Array<[number, number]> {
  const tiles = Math.ceil(n / 4);
  const ranges: Array<[number, number]> = [];
  for (let w = 0; w < threads; w++) {
    const r0 = Math.min(n, Math.floor((tiles * w) / threads) * 4);
    const r1 = Math.min(n, Math.floor((tiles * (w + 1)) / threads) * 4);
    ranges.push([r0, r1]);
  }
  return ranges;
}
