import { describe, expect, it } from 'vitest';
import { Random } from '@mgta/core';
import { DEFAULT_APPEARANCE, drawItemTint, hsvToRgb, itemTint, renderBackground, resolveAppearance, type Appearance } from './texture.ts';

const distinctColours = (data: Uint8Array): number => {
  const colours = new Set<string>();
  for (let p = 0; p < data.length; p += 3) colours.add(`${data[p]},${data[p + 1]},${data[p + 2]}`);
  return colours.size;
};

describe('appearance', () => {
  it('resolves a partial preset over the built-in defaults', () => {
    expect(resolveAppearance(undefined)).toEqual(DEFAULT_APPEARANCE);
    expect(resolveAppearance({})).toEqual(DEFAULT_APPEARANCE);
    const partial = resolveAppearance({ background: { contrast: 0.3 }, tint: { brightness: [0.8, 1] } });
    expect(partial.background).toEqual({ ...DEFAULT_APPEARANCE.background, contrast: 0.3 });
    expect(partial.tint).toEqual({ saturation: DEFAULT_APPEARANCE.tint.saturation, brightness: [0.8, 1] });
  });

  it('draws the same pixels with the defaults spelt out as with none', () => {
    const explicit: Appearance = resolveAppearance({
      background: { textures: ['noise', 'stripes', 'gradient'], saturation: [0, 0.5], brightness: [0.2, 0.85], contrast: 1, noise: 12 },
      tint: { saturation: [0.45, 1], brightness: [0.7, 1] },
    });
    for (let seed = 0; seed < 6; seed++) {
      expect(renderBackground(new Random(seed), 40, 30, explicit).data).toEqual(renderBackground(new Random(seed), 40, 30).data);
      expect(itemTint(new Random(seed), explicit)).toEqual(itemTint(new Random(seed)));
    }
  });

  it('drawItemTint makes itemTint\'s draws and tells the hue', () => {
    for (let seed = 0; seed < 6; seed++) {
      const a = new Random(seed), b = new Random(seed);
      const { hue, rgb } = drawItemTint(a);
      expect(rgb).toEqual(itemTint(b));
      expect(a.next()).toBe(b.next()); // the same number of draws
      expect(hsvToRgb(hue, 1, 1)).toEqual(hsvToRgb(new Random(seed).next(), 1, 1));
    }
  });

  it('paints one flat colour with the plain family, or with contrast 0, when there is no pixel noise', () => {
    const plain = resolveAppearance({ background: { textures: ['plain'], noise: 0 } });
    const flat = resolveAppearance({ background: { contrast: 0, noise: 0 } });
    const textured = resolveAppearance({ background: { noise: 0 } });
    for (let seed = 0; seed < 6; seed++) {
      expect(distinctColours(renderBackground(new Random(seed), 32, 32, plain).data)).toBe(1);
      expect(distinctColours(renderBackground(new Random(seed), 32, 32, flat).data)).toBe(1);
      expect(distinctColours(renderBackground(new Random(seed), 32, 32, textured).data)).toBeGreaterThan(1);
    }
  });

  it('keeps colours inside the HSV ranges it is given', () => {
    const dark = resolveAppearance({ background: { brightness: [0.05, 0.3], saturation: [0, 0.3], noise: 0 }, tint: { saturation: [0, 0], brightness: [0.9, 1] } });
    for (let seed = 0; seed < 20; seed++) {
      const { data } = renderBackground(new Random(seed), 16, 16, dark);
      expect(Math.max(...data)).toBeLessThanOrEqual(Math.round(0.3 * 255));
      const [r, g, b] = itemTint(new Random(seed), dark);
      expect(r).toBe(g); // saturation 0: grey
      expect(g).toBe(b);
      expect(r).toBeGreaterThanOrEqual(Math.round(0.9 * 255));
    }
  });
});
