import { afterEach, describe, expect, it, vi } from 'vitest';
import { defaultLanes, runInLanes, threadsPerLane, type LaneJob } from './lanes.ts';

/** Jobs that record start/end order and finish when the test says so (by name). */
function controlledJobs(specs: Array<{ name: string; after?: string[]; fails?: boolean }>) {
  const events: string[] = [];
  const finishers = new Map<string, () => void>();
  let runningNow = 0;
  let maxRunning = 0;
  const jobs: LaneJob[] = specs.map(({ name, after, fails }) => ({
    name,
    after,
    run: () => new Promise<void>((resolve, reject) => {
      events.push(`start ${name}`);
      maxRunning = Math.max(maxRunning, ++runningNow);
      finishers.set(name, () => {
        runningNow--;
        events.push(`end ${name}`);
        if (fails) reject(new Error(`${name} broke`));
        else resolve();
      });
    }),
  }));
  const finish = async (name: string) => {
    await vi.waitFor(() => expect(finishers.has(name)).toBe(true));
    finishers.get(name)!();
    await new Promise((resolve) => setTimeout(resolve, 0)); // let the scheduler start what comes next
  };
  return { jobs, events, finish, maxRunning: () => maxRunning };
}

describe('runInLanes', () => {
  it('runs at most `lanes` jobs at once, in the given order, each after what it waits for', async () => {
    const { jobs, events, finish, maxRunning } = controlledJobs([
      { name: 'long' }, { name: 'base' }, { name: 'childA', after: ['base'] }, { name: 'childB', after: ['base'] }, { name: 'free' },
    ]);
    const done = runInLanes(jobs, 2);
    await finish('base');
    // base's lane takes childA (first ready in order); free waits though it is ready, since both lanes are busy.
    await finish('childA');
    await finish('long');
    await finish('childB');
    await finish('free');
    expect(await done).toEqual({ failed: [], notStarted: [] });
    expect(events).toEqual([
      'start long', 'start base', 'end base', 'start childA', 'end childA', 'start childB', 'end long', 'start free', 'end childB', 'end free',
    ]);
    expect(maxRunning()).toBe(2);
  });

  it('with one lane runs the jobs one by one, skipping ahead past a job whose dependency is not done', async () => {
    const { jobs, events, finish, maxRunning } = controlledJobs([{ name: 'child', after: ['base'] }, { name: 'base' }]);
    const done = runInLanes(jobs, 1);
    await finish('base');
    await finish('child');
    await done;
    expect(events).toEqual(['start base', 'end base', 'start child', 'end child']);
    expect(maxRunning()).toBe(1);
  });

  it('after a failure starts nothing new, lets the running job finish, and reports both', async () => {
    const { jobs, events, finish } = controlledJobs([
      { name: 'slow' }, { name: 'base', fails: true }, { name: 'child', after: ['base'] }, { name: 'other' },
    ]);
    const done = runInLanes(jobs, 2);
    await finish('base');
    await finish('slow');
    const outcome = await done;
    expect(outcome.failed.map(({ name, error }) => [name, (error as Error).message])).toEqual([['base', 'base broke']]);
    expect(outcome.notStarted).toEqual(['child', 'other']);
    expect(events).toEqual(['start slow', 'start base', 'end base', 'end slow']);
  });

  it('refuses a plan that waits for a job it does not hold, and a lane count below one', async () => {
    await expect(runInLanes([{ name: 'a', after: ['ghost'], run: async () => {} }], 2)).rejects.toThrow(/"a" waits for "ghost"/);
    await expect(runInLanes([], 0)).rejects.toThrow(/positive integer/);
  });
});

describe('lane sizing', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('splits the threads between the lanes, at least one each', () => {
    expect(threadsPerLane(2, 2)).toBe(1);
    expect(threadsPerLane(2, 7)).toBe(3);
    expect(threadsPerLane(4, 2)).toBe(1);
    vi.stubEnv('MGTA_THREADS', '8');
    expect(threadsPerLane(2)).toBe(4);
  });

  it('reads MGTA_JOBS and names it when it is not a positive integer', () => {
    vi.stubEnv('MGTA_JOBS', '3');
    expect(defaultLanes()).toBe(3);
    vi.stubEnv('MGTA_JOBS', 'two');
    expect(() => defaultLanes()).toThrow(/MGTA_JOBS: must be a positive integer, got "two"/);
  });
});
