/**
 * Worker-thread entry for the k-means kernels. It receives the shared typed arrays once, then
 * runs row ranges of the distance kernels on request. Started by KernelPool (kernel-pool.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { assignRows, rowNorms, updateMinDistToCentroid, type KernelArrays } from './distance-kernel.ts';
import type { WorkerRequest, WorkerSetup } from './kernel-pool.ts';

const setup = workerData as WorkerSetup;
const arrays: KernelArrays = {
  x: new Float32Array(setup.x),
  xNorm: new Float64Array(setup.xNorm),
  centroids: new Float32Array(setup.centroids),
  cNorm: new Float64Array(setup.cNorm),
  labels: new Int32Array(setup.labels),
  minDist: new Float64Array(setup.minDist),
};

parentPort!.on('message', (req: WorkerRequest) => {
  const { r0, r1 } = req;
  if (req.op === 'assign') {
    parentPort!.postMessage(assignRows(arrays, setup.d, req.k, r0, r1));
  } else if (req.op === 'minDist') {
    updateMinDistToCentroid(arrays, setup.d, req.j, r0, r1);
    parentPort!.postMessage(0);
  } else {
    rowNorms(arrays.x, setup.d, r0, r1, arrays.xNorm);
    parentPort!.postMessage(0);
  }
});
