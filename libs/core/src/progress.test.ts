import { afterEach, describe, expect, it } from 'vitest';
import { formatSeconds, startProgress } from './progress.ts';

describe('startProgress in a log (stderr not a terminal)', () => {
  const quiet = process.env.MGTA_QUIET;
  afterEach(() => {
    if (quiet === undefined) delete process.env.MGTA_QUIET;
    else process.env.MGTA_QUIET = quiet;
  });

  function run(ticksAt: number[], total: number): string[] {
    const lines: string[] = [];
    let clock = 0;
    const progress = startProgress('pretrain iae', total, { interactive: false, now: () => clock, write: (line) => lines.push(line) });
    for (const at of ticksAt) {
      clock = at;
      progress.tick();
    }
    clock = ticksAt.at(-1)! + 1000;
    progress.stop();
    return lines;
  }

  it('writes the count, the elapsed time and an ETA every 15 s, then the total', () => {
    delete process.env.MGTA_QUIET;
    // 10 steps of 5 s: lines at 15 s (3 done) and 30 s (6 done) and 45 s (9 done).
    const lines = run([5, 10, 15, 20, 25, 30, 35, 40, 45, 50].map((s) => s * 1000), 10);
    expect(lines).toEqual([
      'pretrain iae: 3/10 (30%), 15 s elapsed, ETA 35 s\n',
      'pretrain iae: 6/10 (60%), 30 s elapsed, ETA 20 s\n',
      'pretrain iae: 9/10 (90%), 45 s elapsed, ETA 5 s\n',
      'pretrain iae: 10/10 in 51.0 s\n',
    ]);
  });

  it('says nothing under MGTA_QUIET', () => {
    process.env.MGTA_QUIET = '1';
    expect(run([20_000, 40_000], 2)).toEqual([]);
  });

  it('formats long durations', () => {
    expect(formatSeconds(59.4)).toBe('59 s');
    expect(formatSeconds(125)).toBe('2 min 5 s');
    expect(formatSeconds(7260)).toBe('2 h 1 min');
    expect(formatSeconds(Number.NaN)).toBe('?');
  });
});
