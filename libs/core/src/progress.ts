import cliProgress from 'cli-progress';

export interface Progress {
  tick(by?: number): void;
  stop(): void;
}

/**
 * A progress bar with ETA on stderr for long jobs. Quiet when stderr is not a terminal
 * (CI logs) or when MGTA_QUIET is set, except for a start and an end line.
 */
export function startProgress(label: string, total: number): Progress {
  const interactive = process.stderr.isTTY && !process.env.MGTA_QUIET;
  if (!interactive) {
    const started = Date.now();
    let done = 0;
    return {
      tick: (by = 1) => { done += by; },
      stop: () => {
        if (!process.env.MGTA_QUIET) {
          process.stderr.write(`${label}: ${done}/${total} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
        }
      },
    };
  }
  const bar = new cliProgress.SingleBar(
    { format: `${label} [{bar}] {value}/{total} {percentage}% | ETA {eta_formatted} | {duration_formatted}`, stream: process.stderr, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0);
  return { tick: (by = 1) => bar.increment(by), stop: () => bar.stop() };
}
