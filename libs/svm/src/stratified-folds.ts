/**
 * Test-fold index of every sample under scikit-learn's non-shuffled `StratifiedKFold`
 * (sklearn >= 0.22, which is what Debian bookworm's 1.2 and every later release do;
 * behaviour described in the StratifiedKFold docs and its implementation notes):
 *
 *  1. Classes are numbered in order of first appearance in `y`.
 *  2. The labels sorted by that number form a sequence; fold f is allotted, of each class,
 *     as many samples as that class has among the positions f, f + k, f + 2k, ... of the
 *     sorted sequence (k = number of folds). So the class sizes are dealt round-robin in
 *     one pass over all classes, and the fold sizes differ by at most one.
 *  3. Within a class, samples in their original order go to fold 0 until its allotment
 *     is used, then fold 1, and so on (no shuffling).
 *
 * Each fold's training set is every sample not in it, in original order (cross_val_score).
 */
export function stratifiedFoldAssignment(labels: ArrayLike<number>, folds: number): Int32Array {
  const n = labels.length;
  if (!Number.isInteger(folds) || folds < 2) throw new RangeError(`folds must be an integer >= 2, got ${folds}`);
  // 1. classes in order of first appearance.
  const code = new Map<number, number>();
  const encoded = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let c = code.get(labels[i]);
    if (c === undefined) {
      c = code.size;
      code.set(labels[i], c);
    }
    encoded[i] = c;
  }
  const classes = code.size;
  const counts = new Int32Array(classes);
  for (let i = 0; i < n; i++) counts[encoded[i]]++;
  // sklearn refuses more folds than members of the largest class; we need every fold non-empty.
  if (n < folds) throw new RangeError(`cannot split ${n} samples into ${folds} folds`);
  // 2. allocation[f][c]: entries equal to c among sorted positions f, f+k, ...
  const allocation: Int32Array[] = Array.from({ length: folds }, () => new Int32Array(classes));
  let position = 0;
  for (let c = 0; c < classes; c++) {
    for (let m = 0; m < counts[c]; m++, position++) allocation[position % folds][c]++;
  }
  // 3. deal each class's samples, in order, to folds 0, 1, ... by allotment.
  const result = new Int32Array(n);
  const currentFold = new Int32Array(classes);
  const usedInFold = new Int32Array(classes);
  for (let i = 0; i < n; i++) {
    const c = encoded[i];
    while (usedInFold[c] >= allocation[currentFold[c]][c]) {
      currentFold[c]++;
      usedInFold[c] = 0;
    }
    result[i] = currentFold[c];
    usedInFold[c]++;
  }
  return result;
}

/** Indices (ascending) of the training and validation samples of fold `fold`. */
export function foldSplit(assignment: Int32Array, fold: number): { train: Int32Array; validation: Int32Array } {
  const train: number[] = [];
  const validation: number[] = [];
  for (let i = 0; i < assignment.length; i++) (assignment[i] === fold ? validation : train).push(i);
  return { train: Int32Array.from(train), validation: Int32Array.from(validation) };
}
