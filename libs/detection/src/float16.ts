/**
 * IEEE 754 half precision <-> float32, round to nearest even. The body-feature cache stores
 * res4 maps as float16 (half the disk and memory; res4 activations are post-ReLU and far inside
 * float16's range, relative error <= 2^-11).
 */
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

export function toFloat16(value: number): number {
  f32[0] = value;
  const x = u32[0];
  const sign = (x >>> 16) & 0x8000;
  const exponent = (x >>> 23) & 0xff;
  let mantissa = x & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0); // inf / NaN
  let e = exponent - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00; // overflow -> inf
  if (e <= 0) {
    if (e < -10) return sign; // underflow -> 0
    mantissa |= 0x800000;
    const shift = 14 - e;
    let half = mantissa >>> shift;
    const rest = mantissa & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    if (rest > halfway || (rest === halfway && (half & 1))) half++;
    return sign | half;
  }
  let half = (e << 10) | (mantissa >>> 13);
  const rest = mantissa & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && (half & 1))) half++; // may carry into the exponent: correct
  e = half >>> 10;
  return sign | half;
}

const HALF_TO_FLOAT = new Float32Array(65536);
for (let h = 0; h < 65536; h++) {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >>> 10) & 0x1f;
  const mantissa = h & 0x3ff;
  HALF_TO_FLOAT[h] =
    exponent === 0 ? sign * mantissa * 2 ** -24
    : exponent === 0x1f ? (mantissa ? NaN : sign * Infinity)
    : sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

export function fromFloat16(half: number): number {
  return HALF_TO_FLOAT[half & 0xffff];
}

export function float32ToFloat16Array(values: ArrayLike<number>, out = new Uint16Array(values.length)): Uint16Array {
  for (let i = 0; i < values.length; i++) out[i] = toFloat16(values[i]);
  return out;
}

export function float16ToFloat32Array(halves: Uint16Array, out = new Float32Array(halves.length)): Float32Array {
  for (let i = 0; i < halves.length; i++) out[i] = HALF_TO_FLOAT[halves[i]];
  return out;
}
