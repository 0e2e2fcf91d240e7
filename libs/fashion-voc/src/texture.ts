import type { Random } from '@mgta/core';
import { createImage, type RgbImage } from '@mgta/imaging';
import { BACKGROUND_NOISE } from './rules.ts';

export type Rgb = [number, number, number];

/** HSV (h in [0,1), s, v in [0,1]) → 8-bit RGB. */
export function hsvToRgb(h: number, s: number, v: number): Rgb {
  const i = Math.floor(h * 6) % 6;
  const f = h * 6 - Math.floor(h * 6);
  const p = v * (1 - s), q = v * (1 - f * s), t = v * (1 - (1 - f) * s);
  const [r, g, b] = [[v, t, p], [q, v, p], [p, v, t], [p, q, v], [t, p, v], [v, p, q]][i];
  return [Math.round(r * 255), Math.round(g * 255), Math.round(b * 255)];
}

/** Backgrounds are muted (low saturation, mid brightness) so saturated items stand out, as objects do in photos. */
export function backgroundColour(rng: Random): Rgb {
  return hsvToRgb(rng.next(), rng.uniform(0, 0.5), rng.uniform(0.2, 0.85));
}

/** Item tints are saturated and bright; the item's own grey texture shades them. */
export function itemTint(rng: Random): Rgb {
  return hsvToRgb(rng.next(), rng.uniform(0.45, 1), rng.uniform(0.7, 1));
}

/** A scalar field in [0, 1] per pixel, row-major. */
type Field = (rng: Random, width: number, height: number) => Float32Array;

/** Smooth value noise: a coarse random grid, bilinearly interpolated. */
const smoothNoise: Field = (rng, width, height) => {
  const cells = 2 + rng.int(6);
  const gw = cells + 1;
  const grid = Array.from({ length: gw * gw }, () => rng.next());
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    const gy = (y / height) * cells;
    const y0 = Math.min(Math.floor(gy), cells - 1);
    const fy = gy - y0;
    for (let x = 0; x < width; x++) {
      const gx = (x / width) * cells;
      const x0 = Math.min(Math.floor(gx), cells - 1);
      const fx = gx - x0;
      const top = grid[y0 * gw + x0] * (1 - fx) + grid[y0 * gw + x0 + 1] * fx;
      const bottom = grid[(y0 + 1) * gw + x0] * (1 - fx) + grid[(y0 + 1) * gw + x0 + 1] * fx;
      out[y * width + x] = top * (1 - fy) + bottom * fy;
    }
  }
  return out;
};

const stripes: Field = (rng, width, height) => {
  const angle = rng.uniform(0, Math.PI);
  const period = rng.uniform(0.05, 0.3) * Math.min(width, height);
  const phase = rng.next();
  const cx = (2 * Math.PI * Math.cos(angle)) / period, cy = (2 * Math.PI * Math.sin(angle)) / period;
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) out[y * width + x] = 0.5 + 0.5 * Math.sin(x * cx + y * cy + 2 * Math.PI * phase);
  }
  return out;
};

const gradient: Field = (rng, width, height) => {
  const angle = rng.uniform(0, 2 * Math.PI);
  const cx = Math.cos(angle), cy = Math.sin(angle);
  const span = Math.abs(width * cx) + Math.abs(height * cy);
  const offset = Math.min(0, width * cx) + Math.min(0, height * cy);
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) out[y * width + x] = (x * cx + y * cy - offset) / span;
  }
  return out;
};

const FIELDS: Field[] = [smoothNoise, stripes, gradient];

const clampByte = (v: number): number => (v <= 0 ? 0 : v >= 255 ? 255 : (v + 0.5) | 0);

/** A textured background: two muted colours mixed by noise, stripes or a gradient, plus pixel noise. */
export function renderBackground(rng: Random, width: number, height: number): RgbImage {
  const image = createImage(width, height);
  const field = FIELDS[rng.int(FIELDS.length)](rng, width, height);
  const [ar, ag, ab] = backgroundColour(rng);
  const [br, bg, bb] = backgroundColour(rng);
  const { data } = image;
  const noiseScale = (2 * BACKGROUND_NOISE) / 255;
  let bits = 0;
  for (let p = 0; p < field.length; p++) {
    // One 32-bit draw gives the noise of four pixels.
    if ((p & 3) === 0) bits = rng.nextUint32();
    const noise = (bits & 0xff) * noiseScale - BACKGROUND_NOISE;
    bits >>>= 8;
    const t = field[p];
    data[p * 3] = clampByte(ar + (br - ar) * t + noise);
    data[p * 3 + 1] = clampByte(ag + (bg - ag) * t + noise);
    data[p * 3 + 2] = clampByte(ab + (bb - ab) * t + noise);
  }
  return image;
}
