import type { ClassAp, EvaluationResult } from '@mgta/results-schema';

/** Per-class results and their means over the classes whose AP is defined (not null). */
export function summarize(classes: Record<string, ClassAp>): EvaluationResult {
  const defined = Object.values(classes).filter((c) => c.ap !== null && c.ap07 !== null);
  const mean = (pick: (c: ClassAp) => number): number | null =>
    defined.length === 0 ? null : defined.reduce((sum, c) => sum + pick(c), 0) / defined.length;
  return { classes, map: mean((c) => c.ap!), map07: mean((c) => c.ap07!) };
}
