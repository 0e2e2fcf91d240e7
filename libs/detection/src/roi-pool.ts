import { roundHalfAwayFromZero } from './rounding.ts';
import { boxCount, type Boxes } from './types.ts';

/** One image's feature map, channels last: value (y, x, c) is at (y * width + x) * channels + c. */
export interface FeatureMap {
  data: Float32Array;
  height: number;
  width: number;
  channels: number;
}

const LOWEST_FLOAT32 = -3.4028234663852886e38; // -FLT_MAX, the op's running-max start

/**
 * Max-pools each RoI of one image into pooledSize x pooledSize bins with the semantics of Caffe2's
 * RoIPool (and Detectron's RoIPoolF): RoI corners are scaled by `spatialScale` and rounded half
 * away from zero; the RoI spans end - start + 1 cells (at least 1); bin (ph, pw) covers rows
 * [floor(ph * binH), ceil((ph + 1) * binH)) offset by the RoI start and clipped to the map, with
 * binH = roiHeight / pooledSize in float32; an empty bin outputs 0. No argmax is kept: the body
 * is frozen, so nothing flows back into the features.
 * Returns [rois, pooledSize, pooledSize, channels], channels last like `features`.
 */
export function roiPool(features: FeatureMap, rois: Boxes, pooledSize: number, spatialScale: number): Float32Array {
  const { data, height, width, channels } = features;
  if (data.length !== height * width * channels) throw new Error(`roiPool: ${data.length} values for ${height}x${width}x${channels}`);
  const numRois = boxCount(rois);
  const output = new Float32Array(numRois * pooledSize * pooledSize * channels);
  const scale = Math.fround(spatialScale);
  for (let r = 0; r < numRois; r++) {
    const startW = roundHalfAwayFromZero(Math.fround(rois[r * 4] * scale));
    const startH = roundHalfAwayFromZero(Math.fround(rois[r * 4 + 1] * scale));
    const endW = roundHalfAwayFromZero(Math.fround(rois[r * 4 + 2] * scale));
    const endH = roundHalfAwayFromZero(Math.fround(rois[r * 4 + 3] * scale));
    const binH = Math.fround(Math.max(endH - startH + 1, 1) / pooledSize);
    const binW = Math.fround(Math.max(endW - startW + 1, 1) / pooledSize);
    for (let ph = 0; ph < pooledSize; ph++) {
      const hStart = clamp(Math.floor(Math.fround(ph * binH)) + startH, 0, height);
      const hEnd = clamp(Math.ceil(Math.fround((ph + 1) * binH)) + startH, 0, height);
      for (let pw = 0; pw < pooledSize; pw++) {
        const wStart = clamp(Math.floor(Math.fround(pw * binW)) + startW, 0, width);
        const wEnd = clamp(Math.ceil(Math.fround((pw + 1) * binW)) + startW, 0, width);
        if (hEnd <= hStart || wEnd <= wStart) continue; // empty bin: output stays 0
        const bin = ((r * pooledSize + ph) * pooledSize + pw) * channels;
        const binMax = output.subarray(bin, bin + channels).fill(LOWEST_FLOAT32);
        for (let y = hStart; y < hEnd; y++) {
          for (let x = wStart; x < wEnd; x++) {
            const source = (y * width + x) * channels;
            for (let c = 0; c < channels; c++) {
              const value = data[source + c];
              if (value > binMax[c]) binMax[c] = value;
            }
          }
        }
      }
    }
  }
  return output;
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(Math.max(value, low), high);
}
