import { InputError } from '@mgta/core';

/**
 * Signal invariants of a preset's regression run: properties that a working pipeline must
 * show whatever the baseline says, e.g. "supervised ≥ random + 10 mAP points". The baseline
 * comparison alone cannot tell a broken trainer from an intended change, since `--update`
 * accepts any numbers; these are checked on every run, `--update` included, and live in the
 * preset (`regress.invariants`), not in the baseline.
 */
export interface MarginInvariant {
  /** `<bench>/<model>/<metric>`, as in the baseline. */
  metric: string;
  /** The metric it is compared with; absent: compared with 0. */
  above?: string;
  /** Required margin in points: metric − above ≥ margin. */
  margin: number;
  /** Why this must hold, printed with the result. */
  why?: string;
}

export interface RegressInvariants {
  invariants: MarginInvariant[];
  /** A diverged detector training (a `divergedAt@` metric) fails the run. */
  failOnDivergence: boolean;
}

export interface InvariantResult {
  description: string;
  passed: boolean;
  detail: string;
}

export function checkInvariants(spec: RegressInvariants, metrics: Record<string, number>): InvariantResult[] {
  const results: InvariantResult[] = spec.invariants.map((invariant) => {
    const value = metrics[invariant.metric];
    const reference = invariant.above === undefined ? 0 : metrics[invariant.above];
    const description = `${invariant.metric} ≥ ${invariant.above ?? '0'} + ${invariant.margin}` + (invariant.why ? ` (${invariant.why})` : '');
    if (value === undefined || reference === undefined) {
      const missing = [value === undefined ? invariant.metric : undefined, reference === undefined ? invariant.above : undefined].filter(Boolean);
      return { description, passed: false, detail: `no number for ${missing.join(' and ')} in this run` };
    }
    const difference = value - reference;
    return {
      description,
      passed: difference >= invariant.margin,
      detail: `${value.toFixed(2)} − ${reference.toFixed(2)} = ${difference.toFixed(2)} points`,
    };
  });
  if (spec.failOnDivergence) {
    const diverged = Object.entries(metrics).filter(([key]) => key.split('/')[2]?.startsWith('divergedAt@'));
    results.push({
      description: 'no detector training diverges',
      passed: diverged.length === 0,
      detail: diverged.length === 0 ? 'none diverged' : diverged.map(([key, at]) => `${key.replace(/\/divergedAt@(.*)$/, ' ($1)')} diverged at iteration ${at}`).join('; '),
    });
  }
  return results;
}

export function formatInvariants(results: InvariantResult[]): string {
  if (results.length === 0) return '';
  const lines = results.map((result) => `${result.passed ? 'ok    ' : 'FAILED'}  ${result.description}: ${result.detail}`);
  const failed = results.filter((result) => !result.passed).length;
  lines.push(`${results.length} signal invariants: ${failed === 0 ? 'all hold' : `${failed} failed`}`);
  return ['', 'signal invariants (from the preset; they hold whatever the baseline says)', ...lines, ''].join('\n');
}

/** Parses a preset's `regress` section; `field` is its JSON path for error messages. */
export function parseRegressInvariants(value: unknown, file: string, field = 'regress'): RegressInvariants {
  if (value === undefined) return { invariants: [], failOnDivergence: false };
  const object = asObject(value, file, field);
  for (const key of Object.keys(object)) {
    if (!['comment', 'invariants', 'failOnDivergence'].includes(key)) {
      throw new InputError(file, `unknown key (expected comment, invariants, failOnDivergence)`, { field: `${field}.${key}` });
    }
  }
  const failOnDivergence = object.failOnDivergence ?? false;
  if (typeof failOnDivergence !== 'boolean') throw new InputError(file, 'must be true or false', { field: `${field}.failOnDivergence` });
  const list = object.invariants ?? [];
  if (!Array.isArray(list)) throw new InputError(file, 'must be an array', { field: `${field}.invariants` });
  const invariants = list.map((item, index): MarginInvariant => {
    const at = `${field}.invariants[${index}]`;
    const entry = asObject(item, file, at);
    for (const key of Object.keys(entry)) {
      if (!['metric', 'above', 'margin', 'why'].includes(key)) throw new InputError(file, 'unknown key (expected metric, above, margin, why)', { field: `${at}.${key}` });
    }
    const metricKey = (key: 'metric' | 'above'): string | undefined => {
      const text = entry[key];
      if (text === undefined && key === 'above') return undefined;
      if (typeof text !== 'string' || text.split('/').length < 3) {
        throw new InputError(file, `must be "<bench>/<model>/<metric>", got ${JSON.stringify(text) ?? 'nothing'}`, { field: `${at}.${key}` });
      }
      return text;
    };
    const margin = entry.margin;
    if (typeof margin !== 'number' || !Number.isFinite(margin)) throw new InputError(file, `must be a number of points, got ${JSON.stringify(margin) ?? 'nothing'}`, { field: `${at}.margin` });
    if (entry.why !== undefined && typeof entry.why !== 'string') throw new InputError(file, 'must be a string', { field: `${at}.why` });
    return { metric: metricKey('metric')!, above: metricKey('above'), margin, why: entry.why as string | undefined };
  });
  return { invariants, failOnDivergence };
}

function asObject(value: unknown, file: string, field: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new InputError(file, 'must be an object', { field });
  return value as Record<string, unknown>;
}
