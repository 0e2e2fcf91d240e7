/**
 * Times a step: one untimed warm-up (a GPU back end compiles its kernels then), then repetitions
 * until `reps` are done or `budgetS` seconds are spent, at least one. The median is reported.
 */
export interface StepTiming {
  msPerStep: number[];
  medianMs: number;
  warmupMs: number;
}

export async function timeSteps(step: () => unknown, options: { reps: number; budgetS: number }): Promise<StepTiming> {
  let started = performance.now();
  await step();
  const warmupMs = performance.now() - started;
  const msPerStep: number[] = [];
  const deadline = performance.now() + options.budgetS * 1000;
  do {
    started = performance.now();
    await step();
    msPerStep.push(performance.now() - started);
  } while (msPerStep.length < options.reps && performance.now() < deadline);
  const sorted = [...msPerStep].sort((a, b) => a - b);
  return { msPerStep: msPerStep.map(round), medianMs: round(sorted[Math.floor(sorted.length / 2)]), warmupMs: round(warmupMs) };
}

export const round = (ms: number): number => Math.round(ms * 100) / 100;
