import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { flipSpatialSwapChannels } from './layout.ts';

describe('flipSpatialSwapChannels', () => {
  it('equals reverse over kh, kw then a channel swap, for non-square taps and channels', () => {
    for (const shape of [[2, 3, 4, 5], [1, 1, 3, 2], [8, 8, 2, 3]] as const) {
      const size = shape.reduce((a: number, b: number) => a * b, 1);
      const w = tf.tensor4d(Array.from({ length: size }, (_, i) => i), [...shape]);
      const expected = tf.reverse(w, [0, 1]).transpose([0, 1, 3, 2]);
      const got = flipSpatialSwapChannels(w);
      expect(got.shape).toEqual([shape[0], shape[1], shape[3], shape[2]]);
      expect(Array.from(got.dataSync())).toEqual(Array.from(expected.dataSync()));
      // Hand-checked entry: W'[0,0,o,c] = W[kh-1, kw-1, c, o].
      const [kh, kw, ci, co] = shape;
      expect(got.arraySync()[0]![0]![co - 1]![0]).toBe(((kh - 1) * kw + (kw - 1)) * ci * co + co - 1);
      tf.dispose([w, expected, got]);
    }
  });
});
