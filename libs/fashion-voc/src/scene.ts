import type { Random } from '@mgta/core';
import type { FashionMnist } from '@mgta/fashion-mnist';
import type { RgbImage } from '@mgta/imaging';
import type { BoundingBox } from '@mgta/voc';
import { drawSprite, makeSprite, type ItemSprite } from './item.ts';
import { MAX_OUTSIDE_OFFSET, MIN_INSIDE_FRACTION, MIN_VISIBLE_FRACTION, objectFlags, PLACEMENT_TRIES } from './rules.ts';
import { DEFAULT_APPEARANCE, drawItemTint, itemTint, renderBackground, type Appearance } from './texture.ts';

export interface SceneObject {
  /** Fashion-MNIST item index. */
  item: number;
  label: number;
  bbox: BoundingBox;
  truncated: boolean;
  difficult: boolean;
  /** Fraction of the item's in-image pixels not covered by later items. */
  visibleFraction: number;
  /** Hue of the item's tint in [0, 1) (0 = red): `scenes.classesByTint` names the object by it. */
  tintHue: number;
}

export interface Scene {
  image: RgbImage;
  objects: SceneObject[];
}

interface Placed {
  item: number;
  sprite: ItemSprite;
  x0: number;
  y0: number;
  inImage: number;
  visible: number;
}

export interface SceneOptions {
  width: number;
  height: number;
  minItemScale: number;
  maxItemScale: number;
  /** Background and tint strengths; default DEFAULT_APPEARANCE. */
  appearance?: Appearance;
}

/**
 * Lays out `items` in order (later items in front), re-drawing placements that would push an item
 * mostly out of the image or hide an earlier one almost entirely, then paints and annotates them.
 */
export function composeScene(rng: Random, set: FashionMnist, items: number[], options: SceneOptions): Scene {
  const { width, height } = options;
  const owner = new Int16Array(width * height).fill(-1);
  const placed: Placed[] = [];
  for (const item of items) {
    const side = Math.max(8, Math.round(rng.uniform(options.minItemScale, options.maxItemScale) * Math.min(width, height)));
    const sprite = makeSprite(set, item, side);
    if (sprite.maskPixels === 0) continue;
    for (let attempt = 0; attempt < PLACEMENT_TRIES; attempt++) {
      const x0 = Math.round(rng.uniform(-MAX_OUTSIDE_OFFSET * side, width - (1 - MAX_OUTSIDE_OFFSET) * side));
      const y0 = Math.round(rng.uniform(-MAX_OUTSIDE_OFFSET * side, height - (1 - MAX_OUTSIDE_OFFSET) * side));
      const covered = coverage(sprite, x0, y0, owner, width, height, placed.length);
      if (covered.inImage < MIN_INSIDE_FRACTION * sprite.maskPixels) continue;
      const hidesTooMuch = placed.some((p, j) => p.visible - covered.perOwner[j] < MIN_VISIBLE_FRACTION * p.inImage);
      if (hidesTooMuch) continue;
      placed.forEach((p, j) => { p.visible -= covered.perOwner[j]; });
      paintOwner(sprite, x0, y0, owner, width, height, placed.length);
      placed.push({ item, sprite, x0, y0, inImage: covered.inImage, visible: covered.inImage });
      break;
    }
  }

  const appearance = options.appearance ?? DEFAULT_APPEARANCE;
  const image = renderBackground(rng, width, height, appearance);
  const objects: SceneObject[] = [];
  for (const p of placed) {
    const tint = drawItemTint(rng, appearance);
    drawSprite(image, p.sprite, p.x0, p.y0, tint.rgb);
    const bbox = maskBox(p.sprite, p.x0, p.y0, width, height);
    const flags = objectFlags({
      boxArea: (bbox.xmax - bbox.xmin + 1) * (bbox.ymax - bbox.ymin + 1),
      imageArea: width * height,
      maskPixels: p.sprite.maskPixels,
      inImage: p.inImage,
      visible: p.visible,
    });
    objects.push({ item: p.item, label: set.labels[p.item], bbox, ...flags, tintHue: tint.hue });
  }
  return { image, objects };
}

/** In-image mask pixels of a placement and how many of each earlier item's visible pixels it would cover. */
function coverage(sprite: ItemSprite, x0: number, y0: number, owner: Int16Array, width: number, height: number, owners: number) {
  const perOwner = new Array<number>(owners).fill(0);
  let inImage = 0;
  forEachMaskPixel(sprite, x0, y0, width, height, (p) => {
    inImage++;
    if (owner[p] >= 0) perOwner[owner[p]]++;
  });
  return { inImage, perOwner };
}

function paintOwner(sprite: ItemSprite, x0: number, y0: number, owner: Int16Array, width: number, height: number, index: number): void {
  forEachMaskPixel(sprite, x0, y0, width, height, (p) => { owner[p] = index; });
}

function forEachMaskPixel(sprite: ItemSprite, x0: number, y0: number, width: number, height: number, visit: (pixel: number) => void): void {
  const { side, mask } = sprite;
  for (let sy = Math.max(0, -y0); sy < side && y0 + sy < height; sy++) {
    for (let sx = Math.max(0, -x0); sx < side && x0 + sx < width; sx++) {
      if (mask[sy * side + sx]) visit((y0 + sy) * width + x0 + sx);
    }
  }
}

/** Tight box of the item's mask as drawn (occluded parts included), clipped to the image, 1-based inclusive. */
function maskBox(sprite: ItemSprite, x0: number, y0: number, width: number, height: number): BoundingBox {
  let xmin = Infinity, ymin = Infinity, xmax = -Infinity, ymax = -Infinity;
  forEachMaskPixel(sprite, x0, y0, width, height, (p) => {
    const x = p % width, y = (p - x) / width;
    if (x < xmin) xmin = x;
    if (x > xmax) xmax = x;
    if (y < ymin) ymin = y;
    if (y > ymax) ymax = y;
  });
  return { xmin: xmin + 1, ymin: ymin + 1, xmax: xmax + 1, ymax: ymax + 1 };
}

/**
 * An object-centric pretraining image: one item, large and near the centre, on a textured background.
 * The item's top-left corner is uniform over the places that keep at most `maxOutside` of its side
 * outside the image and, when `maxCentreShift` is finite, its centre within `maxCentreShift * size`
 * of the image centre on each axis (default: no such limit).
 */
export function composePretrainImage(
  rng: Random, set: FashionMnist, item: number, size: number, scale: readonly [number, number], maxOutside: number,
  appearance: Appearance = DEFAULT_APPEARANCE, maxCentreShift = Infinity,
): RgbImage {
  const side = Math.round(rng.uniform(scale[0], scale[1]) * size);
  const sprite = makeSprite(set, item, side);
  // With maxCentreShift = Infinity the bounds are exactly the outside-offset ones (max(lo, -Infinity) === lo).
  const centred = (size - side) / 2, shift = maxCentreShift * size;
  const low = Math.max(-maxOutside * side, centred - shift);
  const high = Math.min(size - (1 - maxOutside) * side, centred + shift);
  const x0 = Math.round(rng.uniform(low, high));
  const y0 = Math.round(rng.uniform(low, high));
  const image = renderBackground(rng, size, size, appearance);
  drawSprite(image, sprite, x0, y0, itemTint(rng, appearance));
  return image;
}
