import { describe, expect, it } from 'vitest';
import { Random } from '@mgta/core';
import type { FashionMnist } from '@mgta/fashion-mnist';
import { composePretrainImage, composeScene } from './scene.ts';
import { resolveAppearance } from './texture.ts';
import { objectFlags, tintClasses, tintClassName, tintTone } from './rules.ts';

/** A fake set whose only item is a solid 28x28 square (intensity 255): its mask is the whole sprite. */
const SQUARES: FashionMnist = {
  images: new Uint8Array(2 * 28 * 28).fill(255),
  labels: Uint8Array.from([3, 5]),
  count: 2,
  rows: 28,
  cols: 28,
  sources: [],
};

function colourAt(data: Uint8Array, width: number, x: number, y: number): string {
  const p = (y * width + x) * 3;
  return `${data[p]},${data[p + 1]},${data[p + 2]}`;
}

describe('objectFlags', () => {
  const base = { boxArea: 400, imageArea: 160 * 160, maskPixels: 300, inImage: 300, visible: 300 };
  it('is neither truncated nor difficult for a whole, visible, large item', () => {
    expect(objectFlags(base)).toEqual({ truncated: false, difficult: false, visibleFraction: 1 });
  });
  it('marks tiny boxes difficult: below 1% of the image', () => {
    expect(objectFlags({ ...base, boxArea: 255 }).difficult).toBe(true); // 1% of 25600 = 256
    expect(objectFlags({ ...base, boxArea: 256 }).difficult).toBe(false);
  });
  it('marks items with under 40% of their in-image pixels visible difficult', () => {
    expect(objectFlags({ ...base, visible: 119 }).difficult).toBe(true); // 119/300 < 0.4
    expect(objectFlags({ ...base, visible: 120 }).difficult).toBe(false);
  });
  it('marks items cut by the border truncated; hidden outside pixels do not count as occlusion', () => {
    const flags = objectFlags({ ...base, inImage: 200, visible: 200 });
    expect(flags.truncated).toBe(true);
    expect(flags.visibleFraction).toBe(1);
  });
});

describe('composeScene', () => {
  it('boxes exactly the pixels an opaque square item covers (1-based, clipped to the image)', () => {
    let truncatedSeen = 0;
    for (let seed = 0; seed < 30; seed++) {
      const scene = composeScene(new Random(seed), SQUARES, [0], { width: 64, height: 48, minItemScale: 0.5, maxItemScale: 0.5 });
      expect(scene.objects).toHaveLength(1);
      const [object] = scene.objects;
      const { xmin, ymin, xmax, ymax } = object.bbox;
      expect(1 <= xmin && xmin <= xmax && xmax <= 64 && 1 <= ymin && ymin <= ymax && ymax <= 48).toBe(true);
      // The sprite side is round(0.5 * 48) = 24; only a truncated box may be smaller, and it then touches the border.
      const w = xmax - xmin + 1, h = ymax - ymin + 1;
      if (object.truncated) {
        truncatedSeen++;
        expect(w < 24 || h < 24).toBe(true);
        expect(xmin === 1 || ymin === 1 || xmax === 64 || ymax === 48).toBe(true);
      } else {
        expect([w, h]).toEqual([24, 24]);
      }
      // Opaque, uniformly shaded item: every pixel in the box has the item's colour, and no pixel outside does.
      const colour = colourAt(scene.image.data, 64, xmin - 1, ymin - 1);
      let inside = 0, total = 0;
      for (let y = 0; y < 48; y++) {
        for (let x = 0; x < 64; x++) {
          if (colourAt(scene.image.data, 64, x, y) !== colour) continue;
          total++;
          if (x >= xmin - 1 && x <= xmax - 1 && y >= ymin - 1 && y <= ymax - 1) inside++;
        }
      }
      expect(inside).toBe(w * h);
      expect(total).toBe(w * h);
      expect(object.label).toBe(3);
    }
    expect(truncatedSeen).toBeGreaterThan(0);
  });

  it('measures occlusion by the later item from the pixels left visible', () => {
    let occludedSeen = 0;
    for (let seed = 0; seed < 30; seed++) {
      const scene = composeScene(new Random(seed), SQUARES, [0, 1], { width: 64, height: 64, minItemScale: 0.5, maxItemScale: 0.5 });
      if (scene.objects.length < 2) continue;
      const [first, second] = scene.objects;
      expect(second.visibleFraction).toBe(1);
      const { xmin, ymin, xmax, ymax } = first.bbox;
      const boxArea = (xmax - xmin + 1) * (ymax - ymin + 1);
      // Count the first item's pixels not covered by the second box.
      let uncovered = 0;
      for (let y = ymin; y <= ymax; y++) {
        for (let x = xmin; x <= xmax; x++) {
          const inSecond = x >= second.bbox.xmin && x <= second.bbox.xmax && y >= second.bbox.ymin && y <= second.bbox.ymax;
          if (!inSecond) uncovered++;
        }
      }
      expect(first.visibleFraction).toBeCloseTo(uncovered / boxArea, 10);
      expect(first.visibleFraction).toBeGreaterThanOrEqual(0.2); // MIN_VISIBLE_FRACTION: placements hiding more are re-drawn
      expect(first.difficult).toBe(first.visibleFraction < 0.4);
      if (first.visibleFraction < 1) occludedSeen++;
      expect(second.label).toBe(5);
    }
    expect(occludedSeen).toBeGreaterThan(0);
  });
});

describe('tint tones (scenes.classesByTint)', () => {
  it('calls hues within a quarter turn of orange (300° to 120°) warm, the others cool', () => {
    const degrees = (d: number) => d / 360;
    for (const d of [0, 10, 30, 60, 90, 119, 301, 330, 359]) expect(tintTone(degrees(d))).toBe('warm');
    for (const d of [121, 150, 180, 240, 270, 280, 299]) expect(tintTone(degrees(d))).toBe('cool');
    expect(tintClassName('t-shirt', 0.95)).toBe('t-shirt-warm');
    expect(tintClasses(['bag', 'coat'])).toEqual(['bag-warm', 'bag-cool', 'coat-warm', 'coat-cool']);
  });

  it('records the hue each object was tinted with: an opaque item is drawn in exactly that hue', () => {
    const hueOf = ([r, g, b]: number[]): number => {
      const max = Math.max(r, g, b), min = Math.min(r, g, b), d = max - min;
      const h = max === r ? ((g - b) / d + 6) % 6 : max === g ? (b - r) / d + 2 : (r - g) / d + 4;
      return h / 6;
    };
    const tones = new Set<string>();
    for (let seed = 0; seed < 30; seed++) {
      const scene = composeScene(new Random(seed), SQUARES, [0], { width: 64, height: 48, minItemScale: 0.5, maxItemScale: 0.5 });
      const [object] = scene.objects;
      const x = Math.round((object.bbox.xmin + object.bbox.xmax) / 2) - 1, y = Math.round((object.bbox.ymin + object.bbox.ymax) / 2) - 1;
      const hue = hueOf(colourAt(scene.image.data, 64, x, y).split(',').map(Number));
      const turn = Math.abs(hue - object.tintHue);
      expect(Math.min(turn, 1 - turn)).toBeLessThan(0.01); // 8-bit rounding of saturated, bright colours
      tones.add(tintTone(object.tintHue));
    }
    expect([...tones].sort()).toEqual(['cool', 'warm']);
  });
});

describe('composePretrainImage', () => {
  /** Black background without noise, so the (opaque, tinted) square item is every non-black pixel. */
  const BLACK = resolveAppearance({ background: { brightness: [0, 0], noise: 0 } });
  function squareCorner(seed: number, maxCentreShift?: number): [number, number] {
    const image = composePretrainImage(new Random(seed), SQUARES, 0, 64, [0.5, 0.5], 0.1, BLACK, maxCentreShift);
    let x0 = Infinity, y0 = Infinity;
    for (let y = 0; y < 64; y++) {
      for (let x = 0; x < 64; x++) {
        if (colourAt(image.data, 64, x, y) !== '0,0,0') { x0 = Math.min(x0, x); y0 = Math.min(y0, y); }
      }
    }
    return [x0, y0];
  }

  it('keeps the item centre within maxCentreShift of the image centre', () => {
    // Side 32: centred top-left corner at 16, shift 0.05 * 64 = 3.2 pixels either way.
    for (let seed = 0; seed < 40; seed++) {
      for (const corner of squareCorner(seed, 0.05)) expect(Math.abs(corner - 16)).toBeLessThanOrEqual(3);
      expect(squareCorner(seed, 0)).toEqual([16, 16]);
    }
  });

  it('places the item anywhere the outside offset allows without it', () => {
    const corners = Array.from({ length: 40 }, (_, seed) => squareCorner(seed)).flat();
    expect(corners.some((c) => Math.abs(c - 16) > 8)).toBe(true);
    expect(corners.every((c) => c >= 0 && c <= 35)).toBe(true); // -0.1 * 32 .. 64 - 0.9 * 32, clipped at 0
  });
});
