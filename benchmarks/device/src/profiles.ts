/**
 * How much work each part of the check does. `paper` is for the lent GPU machine (16 cores, an
 * H200, ≤ 5 minutes in all): the paper's sizes wherever a timing feeds the projection. `small`
 * is the rehearsal on a loaded 2-core machine without a GPU (`check.sh --cpu`): every code path
 * runs, at sizes that fit a few minutes; its timings project nothing.
 *
 * Batches are smaller than the paper's 64 where one step would eat the time budget; the
 * projection then uses ms per image at that batch (a GPU is rarely slower per image at a larger one).
 */

export interface Profile {
  name: 'paper' | 'small';
  /** The preset whose detection protocol the detector parts use. */
  detectionPreset: 'paper' | 'ci';
  ortRes4: { widths: number[]; size: number; batch: number; reps: number };
  detector: { width: number; images: number; reps: number };
  /** tfjs parity: one AE step and one deterministic detector-head step on each back end. */
  aeParity: { width: number; size: number; batch: number };
  headParity: { width: number; mapHeight: number; mapWidth: number };
  /** tfjs timings on the accelerated back end. */
  timingWidth: number;
  aeSteps: Array<{ size: number; batch: number }>;
  features: { size: number; batch: number };
  supervised: { size: number; batch: number; classes: number };
  headIterations: number;
  kmeans: { rows: number; d: number; k: number };
  /** Timed repetitions of a step stop once this many seconds are spent (at least one runs). */
  stepBudgetS: number;
}

export const PROFILES: Record<Profile['name'], Profile> = {
  paper: {
    name: 'paper',
    detectionPreset: 'paper',
    ortRes4: { widths: [1, 0.25], size: 224, batch: 8, reps: 4 },
    detector: { width: 1, images: 2, reps: 1 },
    aeParity: { width: 1, size: 64, batch: 8 },
    headParity: { width: 1, mapHeight: 38, mapWidth: 50 },
    timingWidth: 1,
    aeSteps: [{ size: 64, batch: 16 }, { size: 224, batch: 8 }],
    features: { size: 224, batch: 32 },
    supervised: { size: 224, batch: 8, classes: 100 },
    headIterations: 2,
    kmeans: { rows: 60_000, d: 2048, k: 300 },
    stepBudgetS: 20,
  },
  small: {
    name: 'small',
    detectionPreset: 'ci',
    ortRes4: { widths: [1, 0.25], size: 224, batch: 2, reps: 2 },
    detector: { width: 0.25, images: 2, reps: 1 },
    aeParity: { width: 0.25, size: 64, batch: 2 },
    headParity: { width: 0.25, mapHeight: 15, mapWidth: 20 },
    timingWidth: 0.25,
    aeSteps: [{ size: 64, batch: 2 }, { size: 224, batch: 1 }],
    features: { size: 224, batch: 2 },
    supervised: { size: 224, batch: 1, classes: 10 },
    headIterations: 1,
    kmeans: { rows: 3000, d: 2048, k: 100 },
    stepBudgetS: 5,
  },
};

export function profileNamed(name: string): Profile {
  const profile = PROFILES[name as Profile['name']];
  if (!profile) throw new Error(`unknown profile "${name}" (expected ${Object.keys(PROFILES).join(' or ')})`);
  return profile;
}
