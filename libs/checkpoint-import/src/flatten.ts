/**
 * The value tree → every tensor under its dotted path (dict keys joined by '.', as
 * `classy_state_dict.base_model.model.trunk._feature_blocks.conv1.weight`), plus the
 * placeholders met on the way. A placeholder with a tensor inside is on the path to a tensor:
 * the file needs a global mgta does not allow, and it is refused by name.
 */
import { Inert, PyDict, PySet, type PyValue } from './pickle/values.ts';
import { isTensorData, type TensorData } from './tensor-data.ts';

export interface FlatCheckpoint {
  tensors: Map<string, TensorData>;
  /** Globals that were turned into inert placeholders (never called), with where they sit. */
  placeholders: Array<{ global: string; path: string }>;
}

export class RefusedGlobalError extends Error {
  constructor(readonly source: string, readonly global: string, readonly path: string) {
    super(
      `${source}: refused: ${path ? `'${path}'` : 'the top-level object'} is built by ${global}, which mgta does not allow on the way to a tensor ` +
      `(it never runs code named in a checkpoint; only tensor rebuilds, storages, OrderedDict and numpy arrays are allowed). ` +
      'Save the weights as a state_dict (torch.save(model.state_dict(), f)) or as safetensors.',
    );
    this.name = 'RefusedGlobalError';
  }
}

export function flattenCheckpoint(root: PyValue, source: string): FlatCheckpoint {
  const tensors = new Map<string, TensorData>();
  const placeholders: FlatCheckpoint['placeholders'] = [];
  const seen = new Set<object>();
  const visit = (value: PyValue, path: string): void => {
    if (typeof value !== 'object' || value === null) return;
    if (isTensorData(value)) {
      tensors.set(path, value);
      return;
    }
    if (seen.has(value)) return; // shared or cyclic references: each object once
    seen.add(value);
    if (value instanceof Inert) {
      if (containsTensor(value, new Set())) throw new RefusedGlobalError(source, value.global, path);
      placeholders.push({ global: value.global, path });
      return;
    }
    if (value instanceof PyDict) {
      for (const [key, item] of value.entries) visit(item, path ? `${path}.${String(key)}` : String(key));
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => visit(item, path ? `${path}.${i}` : String(i)));
    }
  };
  if (root instanceof Inert) {
    // The whole file is one call: say so by name whatever it holds.
    throw new RefusedGlobalError(source, root.global, '');
  }
  visit(root, '');
  return { tensors, placeholders };
}

function containsTensor(value: PyValue, seen: Set<object>): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (isTensorData(value)) return true;
  if (seen.has(value)) return false;
  seen.add(value);
  if (value instanceof Inert) return [...value.args, value.state, ...value.items].some((v) => containsTensor(v, seen));
  if (value instanceof PyDict) return [...value.entries.values(), value.attributes].some((v) => containsTensor(v, seen));
  if (value instanceof PySet) return value.items.some((v) => containsTensor(v, seen));
  if (Array.isArray(value)) return value.some((v) => containsTensor(v, seen));
  return false;
}
