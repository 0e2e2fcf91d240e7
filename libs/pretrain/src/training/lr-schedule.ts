/**
 * The learning rate at each step, a pure function of the step index, the model's planned number
 * of steps and the schedule (so a resumed run uses exactly the rates an uninterrupted one does):
 *
 *   warm-up (W steps):  lr(s) = peak · (s + 1) / (W + 1)           for s < W   (from ~0 up to peak)
 *   then 'constant':    lr(s) = peak
 *   or   'cosine':      lr(s) = peak · ½ (1 + cos(π (s − W) / (N − W)))         (peak down to ~0)
 *
 * s is the 0-based global step of the model's run, N its planned total. Past N (a plan that
 * under-counted, e.g. MGTA with K chosen by Calinski–Harabasz), a step keeps the rate of step
 * N − 1. No schedule (`undefined`) is today's constant rate, returned as `peak` unchanged.
 */

export interface ScheduleSpec {
  shape: 'constant' | 'cosine';
  /** Warm-up length in steps, or as a fraction of the planned total (at most one of the two). */
  warmupSteps?: number;
  warmupFraction?: number;
}

/** W: the warm-up steps of a run of `total` steps (never more than the total). */
export function warmupStepsOf(schedule: ScheduleSpec | undefined, total: number): number {
  if (!schedule) return 0;
  const w = schedule.warmupSteps ?? Math.round((schedule.warmupFraction ?? 0) * total);
  return Math.min(w, total);
}

export function learningRateAt(step: number, total: number, peak: number, schedule: ScheduleSpec | undefined): number {
  if (!schedule) return peak;
  if (!Number.isInteger(step) || step < 0) throw new RangeError(`learningRateAt: step must be an integer ≥ 0, got ${step}`);
  if (!Number.isInteger(total) || total < 1) throw new RangeError(`learningRateAt: the planned total must be an integer ≥ 1, got ${total}`);
  const s = Math.min(step, total - 1);
  const w = warmupStepsOf(schedule, total);
  if (s < w) return (peak * (s + 1)) / (w + 1);
  if (schedule.shape === 'constant') return peak;
  return peak * 0.5 * (1 + Math.cos((Math.PI * (s - w)) / (total - w)));
}
