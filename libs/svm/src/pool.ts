import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { arenaViews, type SharedArena } from './arena.ts';
import { runTask, type SharedFeatures, type Task, type TaskResult } from './tasks.ts';

/**
 * A fixed pool of worker threads sharing the features (and Gram matrix) through
 * SharedArrayBuffers, or through the shared wasm arena (`arena`: worker k gets slot k).
 * `size` 0 runs every task inline on this thread (tests, tiny problems), in slot 0.
 * Tasks are handed out one at a time as workers free up, so a worker slowed by other load on
 * the machine simply takes fewer of them.
 */
export class WorkerPool {
  private readonly workers: Worker[] = [];
  private readonly idle: Worker[] = [];
  private readonly queue: Array<{ task: Task; resolve: (r: TaskResult) => void; reject: (e: Error) => void }> = [];
  private readonly pending = new Map<number, { resolve: (r: TaskResult) => void; reject: (e: Error) => void; worker: Worker }>();
  private nextId = 0;
  /** Workers that have loaded their code and said so. */
  private ready = 0;
  /** What this thread uses to run a task itself (helpWhileStarting). */
  private readonly mainShared: SharedFeatures;

  constructor(private readonly shared: SharedFeatures, readonly size: number = availableParallelism(), arena?: SharedArena) {
    if (size > 0 && !(shared.x.buffer instanceof SharedArrayBuffer)) throw new Error('WorkerPool: features must be in a SharedArrayBuffer');
    if (arena !== undefined && size === 0) shared.views ??= arenaViews(arena, 0);
    // this thread's own slot is the one after the workers' (planArena is given size + 1 slots)
    this.mainShared = arena !== undefined && size > 0 ? { ...shared, views: arenaViews(arena, size) } : shared;
    for (let k = 0; k < size; k++) {
      const workerData = arena !== undefined
        ? { arena: { memory: arena.memory, layout: arena.layout }, slot: k }
        : { x: shared.x.buffer, n: shared.n, d: shared.d, gram: shared.gram?.buffer };
      const worker = new Worker(new URL('./fit-worker-entry.js', import.meta.url), { workerData });
      worker.on('message', (message: { id: number; result?: TaskResult; error?: string; ready?: true }) => this.onMessage(worker, message));
      worker.on('error', (error) => this.failWorker(worker, error));
      worker.unref();
      this.workers.push(worker);
      this.idle.push(worker);
    }
  }

  /** `first`: ahead of every queued task (a refit that others' results waited for). */
  run(task: Task, options: { first?: boolean } = {}): Promise<TaskResult> {
    if (this.size === 0) return runTask(this.shared, task);
    return new Promise((resolve, reject) => {
      if (options.first) this.queue.unshift({ task, resolve, reject });
      else this.queue.push({ task, resolve, reject });
      this.dispatch();
    });
  }

  /**
   * While some workers are still loading their code (the better part of a second each, through
   * the TypeScript loader), this thread runs queued tasks that `inline` accepts (short ones:
   * Gram blocks) itself, yielding between them so that results get through. Returns when every
   * worker is up or no such task is left.
   */
  async helpWhileStarting(inline: (task: Task) => boolean): Promise<void> {
    while (this.size > 0 && this.ready < this.size) {
      const index = this.queue.findIndex((entry) => inline(entry.task));
      if (index < 0) return;
      const [entry] = this.queue.splice(index, 1);
      try {
        entry.resolve(await runTask(this.mainShared, entry.task));
      } catch (error) {
        entry.reject(error as Error);
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }

  private dispatch(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const worker = this.idle.pop()!;
      const { task, resolve, reject } = this.queue.shift()!;
      const id = this.nextId++;
      this.pending.set(id, { resolve, reject, worker });
      worker.ref();
      worker.postMessage({ id, task });
    }
  }

  private onMessage(worker: Worker, message: { id: number; result?: TaskResult; error?: string; ready?: true }): void {
    if (message.ready) {
      this.ready++;
      return;
    }
    const entry = this.pending.get(message.id);
    if (entry === undefined) return;
    this.pending.delete(message.id);
    worker.unref();
    this.idle.push(worker);
    if (message.error !== undefined) entry.reject(new Error(`SVM worker: ${message.error}`));
    else entry.resolve(message.result ?? null);
    this.dispatch();
  }

  private failWorker(worker: Worker, error: Error): void {
    for (const [id, entry] of this.pending) {
      if (entry.worker === worker) {
        this.pending.delete(id);
        entry.reject(error);
      }
    }
  }
}
