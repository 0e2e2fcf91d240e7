import { parentPort, workerData } from 'node:worker_threads';
import { runTask, type SharedFeatures, type Task } from './tasks.ts';

/**
 * A worker of the SVM pool: receives the shared features once (workerData, views onto
 * SharedArrayBuffers) and then runs tasks: { id, task } → { id, result } or { id, error }.
 */
interface Init {
  x: SharedArrayBuffer;
  n: number;
  d: number;
  gram?: SharedArrayBuffer;
}

const init = workerData as Init;
const shared: SharedFeatures = {
  x: new Float64Array(init.x),
  n: init.n,
  d: init.d,
  gram: init.gram ? new Float64Array(init.gram) : undefined,
};

parentPort!.on('message', async ({ id, task }: { id: number; task: Task }) => {
  try {
    const result = await runTask(shared, task);
    parentPort!.postMessage({ id, result });
  } catch (error) {
    parentPort!.postMessage({ id, error: error instanceof Error ? `${error.message}\n${error.stack}` : String(error) });
  }
});
