import type { Boxes } from './types.ts';

/** The boxes at `indices`, in that order. */
export function gatherBoxes(boxes: Boxes, indices: ArrayLike<number>): Boxes {
  const gathered = new Float32Array(indices.length * 4);
  for (let k = 0; k < indices.length; k++) gathered.set(boxes.subarray(indices[k] * 4, indices[k] * 4 + 4), k * 4);
  return gathered;
}

/** Positions whose value passes `test`, ascending (numpy's np.where on a 1-D condition). */
export function indicesWhere(values: ArrayLike<number>, test: (value: number) => boolean): number[] {
  const indices: number[] = [];
  for (let i = 0; i < values.length; i++) if (test(values[i])) indices.push(i);
  return indices;
}
