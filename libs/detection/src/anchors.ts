import { roundHalfToEven } from './rounding.ts';
import type { Boxes } from './types.ts';

/**
 * The cell anchors of Detectron's generate_anchors.py, centred on the first cell of a map with
 * the given stride: the base box [0, 0, stride - 1, stride - 1] is reshaped to each aspect ratio
 * (h/w) at constant area with np.round, and each reshaped box is then scaled by size / stride
 * about its centre. Ordering is ratio-major: anchor (ratio r, size s) is row r * sizes.length + s.
 */
export function generateBaseAnchors(stride: number, sizes: readonly number[], aspectRatios: readonly number[]): Boxes {
  const base = stride; // generate_anchors.py: anchor = [1, 1, stride, stride] - 1
  const center = 0.5 * (base - 1); // _whctrs: x_ctr = x1 + 0.5 * (w - 1)
  const anchors = new Float32Array(aspectRatios.length * sizes.length * 4);
  let row = 0;
  for (const ratio of aspectRatios) {
    // _ratio_enum: ws = round(sqrt(w * h / ratio)), hs = round(ws * ratio), both with np.round.
    const ratioWidth = roundHalfToEven(Math.sqrt((base * base) / ratio));
    const ratioHeight = roundHalfToEven(ratioWidth * ratio);
    for (const size of sizes) {
      // _scale_enum: ws = w * scale, hs = h * scale with scale = size / stride; no rounding.
      const scale = size / stride;
      const width = ratioWidth * scale;
      const height = ratioHeight * scale;
      // _mkanchors: corners at ctr -/+ 0.5 * (side - 1).
      anchors.set(
        [center - 0.5 * (width - 1), center - 0.5 * (height - 1), center + 0.5 * (width - 1), center + 0.5 * (height - 1)],
        row * 4,
      );
      row++;
    }
  }
  return anchors;
}

/**
 * All anchors of a height x width feature map: the cell anchors shifted by (x * stride, y * stride).
 * Index order is (y, x, anchor), i.e. anchor a of cell (y, x) is row (y * width + x) * A + a, as in
 * Detectron's data_utils.get_field_of_anchors (and GenerateProposalsOp's (H, W, A) transpose).
 */
export function shiftedAnchors(cellAnchors: Boxes, height: number, width: number, stride: number): Boxes {
  const perCell = cellAnchors.length / 4;
  const anchors = new Float32Array(height * width * perCell * 4);
  let offset = 0;
  for (let y = 0; y < height; y++) {
    const shiftY = y * stride;
    for (let x = 0; x < width; x++) {
      const shiftX = x * stride;
      for (let a = 0; a < perCell; a++) {
        anchors[offset++] = cellAnchors[a * 4] + shiftX;
        anchors[offset++] = cellAnchors[a * 4 + 1] + shiftY;
        anchors[offset++] = cellAnchors[a * 4 + 2] + shiftX;
        anchors[offset++] = cellAnchors[a * 4 + 3] + shiftY;
      }
    }
  }
  return anchors;
}
