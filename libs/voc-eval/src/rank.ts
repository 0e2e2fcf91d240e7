/**
 * Detection indices by descending score, equal scores in index (file) order, as the devkit's
 * VOCevaldet.m ranks them (MATLAB's sort is stable; the golden fixtures assume the same).
 * A merge sort written out for this one key:
 * TypedArray.prototype.sort with a comparator calls it ~n log2 n times (~7 million times for
 * a VOC07 submission), which took half of the evaluation. Merge sort is stable by
 * construction, so its order is the one `(a, b) => score[b] - score[a] || a - b` gives
 * (rank.test.ts compares both). -0 and 0 are equal scores, as in that comparator.
 */

/** Runs shorter than this are sorted by insertion first (fewer passes over short runs). */
const RUN = 16;

export function rankByScore(score: Float64Array): Uint32Array {
  const n = score.length;
  let from = new Uint32Array(n);
  let to = new Uint32Array(n);
  for (let i = 0; i < n; i++) from[i] = i;

  // Insertion sort of each run: shift while the earlier element scores strictly lower, so
  // equal scores keep their order.
  for (let start = 0; start < n; start += RUN) {
    const end = Math.min(start + RUN, n);
    for (let i = start + 1; i < end; i++) {
      const index = from[i];
      const s = score[index];
      let j = i - 1;
      while (j >= start && score[from[j]] < s) {
        from[j + 1] = from[j];
        j--;
      }
      from[j + 1] = index;
    }
  }

  // Bottom-up merges of neighbouring runs, taking from the left run on ties.
  for (let width = RUN; width < n; width *= 2) {
    for (let start = 0; start < n; start += 2 * width) {
      const middle = Math.min(start + width, n);
      const end = Math.min(start + 2 * width, n);
      let left = start;
      let right = middle;
      let out = start;
      while (left < middle && right < end) {
        if (score[from[right]] > score[from[left]]) to[out++] = from[right++];
        else to[out++] = from[left++];
      }
      while (left < middle) to[out++] = from[left++];
      while (right < end) to[out++] = from[right++];
    }
    [from, to] = [to, from];
  }
  return from;
}
