/**
 * How a part (a child process of the check) hands its measurements to the orchestrator: one
 * stdout line per result, `@@check {"key": ..., "value": ...}`, written as soon as it is known.
 * A part that is killed or crashes later has already handed over what it measured.
 */

export const RESULT_PREFIX = '@@check ';

export function emit(key: string, value: unknown): void {
  process.stdout.write(`${RESULT_PREFIX}${JSON.stringify({ key, value })}\n`);
}

/** Runs one measurement; on failure records `{ error }` under its key and carries on (fail soft). */
export async function attempt<T>(key: string, run: () => Promise<T> | T): Promise<T | undefined> {
  try {
    const value = await run();
    emit(key, value);
    return value;
  } catch (error) {
    emit(key, { error: errorText(error) });
    process.stderr.write(`${key}: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
    return undefined;
  }
}

export function errorText(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n').slice(0, 3).join(' | ').slice(0, 500);
}

/** A result line, or undefined for any other output. */
export function parseResultLine(line: string): { key: string; value: unknown } | undefined {
  if (!line.startsWith(RESULT_PREFIX)) return undefined;
  try {
    const parsed = JSON.parse(line.slice(RESULT_PREFIX.length)) as { key?: unknown; value?: unknown };
    return typeof parsed.key === 'string' ? { key: parsed.key, value: parsed.value } : undefined;
  } catch {
    return undefined;
  }
}
