import type { Random } from '@mgta/core';
import { createImage, type RgbImage } from '@mgta/imaging';
import type { BackgroundTextureName, FashionVocAppearance } from '@mgta/presets';
import { BACKGROUND_NOISE } from './rules.ts';

export type Rgb = [number, number, number];
export type Range = readonly [number, number];

/** HSV (h in [0,1), s, v in [0,1]) → 8-bit RGB. */
export function hsvToRgb(h: number, s: number, v: number): Rgb {
  const i = Math.floor(h * 6) % 6;
  const f = h * 6 - Math.floor(h * 6);
  const p = v * (1 - s), q = v * (1 - f * s), t = v * (1 - (1 - f) * s);
  const [r, g, b] = [[v, t, p], [q, v, p], [p, v, t], [p, q, v], [t, p, v], [v, p, q]][i];
  return [Math.round(r * 255), Math.round(g * 255), Math.round(b * 255)];
}

/** Backgrounds are muted (low saturation, mid brightness) so saturated items stand out, as objects do in photos. */
export const BACKGROUND_SATURATION: Range = [0, 0.5];
export const BACKGROUND_BRIGHTNESS: Range = [0.2, 0.85];

/**
 * How far a textured background's second colour lies from its first: 1 = two independently drawn
 * colours (strong two-colour patterns), 0 = one colour (the texture only shows through the pixel noise).
 */
export const BACKGROUND_CONTRAST = 1;

/** Item tints are saturated and bright; the item's own grey texture shades them. */
export const TINT_SATURATION: Range = [0.45, 1];
export const TINT_BRIGHTNESS: Range = [0.7, 1];

/**
 * The background texture families, by the names presets use (`data.appearance.background.textures`):
 * smooth value noise, stripes, a linear gradient, or plain (one colour plus pixel noise).
 * Each background picks one uniformly from the preset's list.
 */
export type BackgroundTexture = BackgroundTextureName;
/** Today's families, in the order the random draw indexes them. */
export const BACKGROUND_TEXTURES: readonly BackgroundTexture[] = ['noise', 'stripes', 'gradient'];

/** Every nuisance strength of backgrounds and tints, shared by pretraining images and scenes. */
export interface Appearance {
  background: { textures: readonly BackgroundTexture[]; saturation: Range; brightness: Range; contrast: number; noise: number };
  tint: { saturation: Range; brightness: Range };
}

/** The appearance when a preset sets none of `data.appearance`: the constants above. */
export const DEFAULT_APPEARANCE: Appearance = {
  background: {
    textures: BACKGROUND_TEXTURES,
    saturation: BACKGROUND_SATURATION,
    brightness: BACKGROUND_BRIGHTNESS,
    contrast: BACKGROUND_CONTRAST,
    noise: BACKGROUND_NOISE,
  },
  tint: { saturation: TINT_SATURATION, brightness: TINT_BRIGHTNESS },
};

/** A preset's `data.appearance` (every field optional) over the defaults. */
export function resolveAppearance(preset: FashionVocAppearance | undefined): Appearance {
  const background = preset?.background ?? {};
  const tint = preset?.tint ?? {};
  return {
    background: {
      textures: background.textures ?? DEFAULT_APPEARANCE.background.textures,
      saturation: background.saturation ?? DEFAULT_APPEARANCE.background.saturation,
      brightness: background.brightness ?? DEFAULT_APPEARANCE.background.brightness,
      contrast: background.contrast ?? DEFAULT_APPEARANCE.background.contrast,
      noise: background.noise ?? DEFAULT_APPEARANCE.background.noise,
    },
    tint: {
      saturation: tint.saturation ?? DEFAULT_APPEARANCE.tint.saturation,
      brightness: tint.brightness ?? DEFAULT_APPEARANCE.tint.brightness,
    },
  };
}

export function backgroundColour(rng: Random, appearance: Appearance = DEFAULT_APPEARANCE): Rgb {
  const { saturation, brightness } = appearance.background;
  return hsvToRgb(rng.next(), rng.uniform(saturation[0], saturation[1]), rng.uniform(brightness[0], brightness[1]));
}

export function itemTint(rng: Random, appearance: Appearance = DEFAULT_APPEARANCE): Rgb {
  return drawItemTint(rng, appearance).rgb;
}

/** An item tint and the hue it was drawn with (h in [0, 1)); the same draws as itemTint. */
export function drawItemTint(rng: Random, appearance: Appearance = DEFAULT_APPEARANCE): { hue: number; rgb: Rgb } {
  const { saturation, brightness } = appearance.tint;
  const hue = rng.next();
  return { hue, rgb: hsvToRgb(hue, rng.uniform(saturation[0], saturation[1]), rng.uniform(brightness[0], brightness[1])) };
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

/** One colour: the second colour and the pattern do not show. */
const plain: Field = (_rng, width, height) => new Float32Array(width * height);

const FIELDS: Record<BackgroundTexture, Field> = { noise: smoothNoise, stripes, gradient, plain };

const clampByte = (v: number): number => (v <= 0 ? 0 : v >= 255 ? 255 : (v + 0.5) | 0);

/**
 * A textured background: two muted colours mixed by noise, stripes or a gradient (the second
 * colour pulled towards the first by the contrast), plus pixel noise.
 */
export function renderBackground(rng: Random, width: number, height: number, appearance: Appearance = DEFAULT_APPEARANCE): RgbImage {
  const image = createImage(width, height);
  const { textures, contrast, noise: amplitude } = appearance.background;
  const field = FIELDS[textures[rng.int(textures.length)]](rng, width, height);
  const [ar, ag, ab] = backgroundColour(rng, appearance);
  const [br, bg, bb] = backgroundColour(rng, appearance);
  // contrast 1 (the default) leaves the differences exactly as drawn: x * 1 === x.
  const dr = (br - ar) * contrast, dg = (bg - ag) * contrast, db = (bb - ab) * contrast;
  const { data } = image;
  const noiseScale = (2 * amplitude) / 255;
  let bits = 0;
  for (let p = 0; p < field.length; p++) {
    // One 32-bit draw gives the noise of four pixels.
    if ((p & 3) === 0) bits = rng.nextUint32();
    const noise = (bits & 0xff) * noiseScale - amplitude;
    bits >>>= 8;
    const t = field[p];
    data[p * 3] = clampByte(ar + dr * t + noise);
    data[p * 3 + 1] = clampByte(ag + dg * t + noise);
    data[p * 3 + 2] = clampByte(ab + db * t + noise);
  }
  return image;
}
