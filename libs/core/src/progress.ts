import cliProgress from 'cli-progress';

export interface Progress {
  tick(by?: number): void;
  stop(): void;
}

/** How often a log (stderr not a terminal) gets a progress line: often enough to see a long job move. */
const LOG_INTERVAL_MS = 15_000;

/**
 * A progress bar with ETA on stderr for long jobs. When stderr is not a terminal (a log, or a
 * task runner's pipe) it writes a line with the count, elapsed time and ETA every 15 s instead,
 * so the running stage is visible there too. MGTA_QUIET silences all but errors (CI).
 */
export function startProgress(label: string, total: number, options: { now?: () => number; write?: (line: string) => void; interactive?: boolean } = {}): Progress {
  const quiet = Boolean(process.env.MGTA_QUIET);
  const interactive = options.interactive ?? (process.stderr.isTTY && !quiet);
  if (!interactive) return logProgress(label, total, quiet, options.now ?? Date.now, options.write ?? ((line) => process.stderr.write(line)));
  const bar = new cliProgress.SingleBar(
    { format: `${label} [{bar}] {value}/{total} {percentage}% | ETA {eta_formatted} | {duration_formatted}`, stream: process.stderr, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0);
  return { tick: (by = 1) => bar.increment(by), stop: () => bar.stop() };
}

function logProgress(label: string, total: number, quiet: boolean, now: () => number, write: (line: string) => void): Progress {
  const started = now();
  let lastLine = started;
  let done = 0;
  return {
    tick: (by = 1) => {
      done += by;
      const time = now();
      if (quiet || time - lastLine < LOG_INTERVAL_MS || done >= total) return;
      lastLine = time;
      const elapsed = (time - started) / 1000;
      const eta = done > 0 ? (elapsed * (total - done)) / done : Number.NaN;
      write(`${label}: ${done}/${total} (${((100 * done) / total).toFixed(0)}%), ${formatSeconds(elapsed)} elapsed, ETA ${formatSeconds(eta)}\n`);
    },
    stop: () => {
      if (!quiet) write(`${label}: ${done}/${total} in ${((now() - started) / 1000).toFixed(1)} s\n`);
    },
  };
}

export function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}
