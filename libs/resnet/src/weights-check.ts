/** Checks a NamedWeights map against an architecture before it is used or saved. */
import { describeArchitecture, shapeProblems, type ResNet50Architecture } from './architecture.ts';
import { elementCount, formatShape, type NamedWeights } from './named-weights.ts';

export function weightProblems(architecture: ResNet50Architecture, weights: NamedWeights): string[] {
  const shapes = new Map([...weights].map(([name, tensor]) => [name, tensor.shape] as const));
  const problems = shapeProblems(architecture, shapes);
  for (const [name, tensor] of weights) {
    if (tensor.data.length !== elementCount(tensor.shape)) {
      problems.push(`tensor ${name} has ${tensor.data.length} values for shape ${formatShape(tensor.shape)}`);
    }
  }
  return problems;
}

export function assertWeightsMatch(architecture: ResNet50Architecture, weights: NamedWeights): void {
  const problems = weightProblems(architecture, weights);
  if (problems.length === 0) return;
  const shown = problems.slice(0, 5).join('; ');
  const more = problems.length > 5 ? `; and ${problems.length - 5} more` : '';
  throw new Error(`weights do not match ${describeArchitecture(architecture)}: ${shown}${more}`);
}
