import { availableParallelism } from 'node:os';
import { InputError } from './input-error.ts';

/** One job of a lane plan. It starts once every job named in `after` has succeeded. */
export interface LaneJob {
  name: string;
  after?: readonly string[];
  run: () => Promise<void>;
}

export interface LanesOutcome {
  failed: Array<{ name: string; error: unknown }>;
  /** Jobs never started: a job they wait for failed, or an earlier failure stopped new starts. */
  notStarted: string[];
}

/**
 * Runs jobs at most `lanes` at a time, each as soon as a lane is free and its `after` jobs have
 * succeeded, taking them in the order given (put the longest first: it bounds the total).
 * After a failure no new job starts; the running ones finish, so nothing is cut off mid-write.
 */
export async function runInLanes(jobs: readonly LaneJob[], lanes: number): Promise<LanesOutcome> {
  if (!(Number.isInteger(lanes) && lanes >= 1)) throw new Error(`lanes must be a positive integer, got ${lanes}`);
  const names = new Set(jobs.map((job) => job.name));
  if (names.size !== jobs.length) throw new Error('lane jobs need distinct names');
  for (const job of jobs) {
    for (const dependency of job.after ?? []) {
      if (!names.has(dependency)) throw new Error(`lane job "${job.name}" waits for "${dependency}", which is not among the jobs`);
    }
  }
  const pending = [...jobs];
  const succeeded = new Set<string>();
  const running = new Map<string, Promise<void>>();
  const failed: LanesOutcome['failed'] = [];
  while (pending.length > 0 || running.size > 0) {
    while (failed.length === 0 && running.size < lanes) {
      const index = pending.findIndex((job) => (job.after ?? []).every((dependency) => succeeded.has(dependency)));
      if (index < 0) break;
      const [job] = pending.splice(index, 1);
      running.set(job.name, job.run().then(
        () => { succeeded.add(job.name); },
        (error: unknown) => { failed.push({ name: job.name, error }); },
      ).finally(() => running.delete(job.name)));
    }
    if (running.size === 0) break; // the rest wait for a failed job, or a failure stopped new starts
    await Promise.race(running.values());
  }
  return { failed, notStarted: pending.map((job) => job.name) };
}

/** Throws one error that gives every failed job's reason and names the jobs never started. */
export function assertLanesSucceeded({ failed, notStarted }: LanesOutcome): void {
  if (failed.length === 0) return;
  const reasons = failed.map(({ error }) => (error instanceof Error ? error.message : String(error)));
  throw new Error(`${reasons.join('; ')}${notStarted.length > 0 ? `; not started: ${notStarted.join(', ')}` : ''}`);
}

/**
 * How many jobs to run at once on the CPU: MGTA_JOBS, else 2 on a machine with 2 cores or more.
 * Two single-threaded jobs side by side finish sooner than one 2-thread job after the other on
 * 2 quiet cores (measured): `pretrain all` 11.8 min against 16.9 (ci) and 28.5 against 42.6
 * (embedded); `bench voc-det` 8.9 min against 10.7 (ci) and 35.0 against 41.0 (embedded, cold
 * caches). The records are the same to the bit: no kernel's output depends on its thread count.
 */
export function defaultLanes(): number {
  const fromEnv = process.env.MGTA_JOBS;
  if (fromEnv !== undefined && fromEnv !== '') {
    const value = Number(fromEnv);
    if (!(Number.isInteger(value) && value >= 1)) throw new InputError('MGTA_JOBS', `must be a positive integer, got "${fromEnv}"`);
    return value;
  }
  return Math.min(2, availableParallelism());
}

/** CPU threads when none are given: MGTA_THREADS, else every logical core. */
export function defaultThreads(): number {
  const fromEnv = Number(process.env.MGTA_THREADS);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : availableParallelism();
}

/** Threads for each of `lanes` jobs sharing `threads` (default: defaultThreads()), at least one each. */
export function threadsPerLane(lanes: number, threads: number = defaultThreads()): number {
  return Math.max(1, Math.floor(threads / lanes));
}
