import { parentPort, workerData } from 'node:worker_threads';
import { arenaViews, type SharedArena } from './arena.ts';
import { runTask, type SharedFeatures, type Task } from './tasks.ts';

/**
 * A worker of the SVM pool: receives the shared features once (workerData, views onto
 * SharedArrayBuffers) and then runs tasks: { id, task } → { id, result } or { id, error }.
 */
type Init =
  | { x: SharedArrayBuffer; n: number; d: number; gram?: SharedArrayBuffer }
  /** The SIMD path: the shared wasm memory and this worker's slot in it. */
  | { arena: SharedArena; slot: number };

const init = workerData as Init;
function sharedFeatures(): SharedFeatures {
  if ('arena' in init) {
    const views = arenaViews(init.arena, init.slot);
    return { x: views.x, n: init.arena.layout.n, d: init.arena.layout.d, gram: views.gram, views };
  }
  return { x: new Float64Array(init.x), n: init.n, d: init.d, gram: init.gram ? new Float64Array(init.gram) : undefined };
}
const shared = sharedFeatures();

parentPort!.on('message', async ({ id, task }: { id: number; task: Task }) => {
  try {
    const result = await runTask(shared, task);
    parentPort!.postMessage({ id, result });
  } catch (error) {
    parentPort!.postMessage({ id, error: error instanceof Error ? `${error.message}\n${error.stack}` : String(error) });
  }
});
parentPort!.postMessage({ ready: true });
