/**
 * The annotation rules of Fashion-VOC, as named constants with the reasoning. They mirror the
 * PASCAL VOC annotation guidelines (VOC2007 devkit doc, "Annotation guidelines"): a box bounds
 * the object's pixels in the image; `truncated` when the object extends beyond the box (here:
 * beyond the image border); `difficult` when the object is hard to recognise without context
 * (here: tiny, or mostly hidden). Difficult objects are ignored by the VOC evaluation.
 */

/**
 * An item pixel is "non-background" where the upscaled Fashion-MNIST intensity gives it at least
 * half opacity. Fashion-MNIST backgrounds are exactly 0 and garments rarely fall below ~30,
 * so the boundary sits in the anti-aliased rim, close to what a person would draw.
 */
export const ALPHA_ZERO_INTENSITY = 10;
export const ALPHA_FULL_INTENSITY = 60;
export const MASK_ALPHA = 0.5;

/**
 * `difficult` if the box covers less than 1% of the image: at a 160x160 scene that is 16x16
 * pixels, about 1/40 of the scene's side after the detector's 600-pixel rescale of ~4x,
 * the size at which VOC annotators typically flag small objects as difficult.
 */
export const DIFFICULT_MAX_BOX_FRACTION = 0.01;

/** `difficult` if less than 40% of the item's in-image pixels remain visible under later items. */
export const DIFFICULT_MIN_VISIBLE_FRACTION = 0.4;

/**
 * Placements that would leave an earlier item with less than 20% visible are re-drawn: such an
 * item would be labelled with an (amodal) box around pixels nobody can see.
 */
export const MIN_VISIBLE_FRACTION = 0.2;

/** Placements that put more than 40% of an item outside the image are re-drawn (a sliver is not an object). */
export const MIN_INSIDE_FRACTION = 0.6;

/** An item's top-left corner may start this fraction of its side outside the image, so some items are truncated. */
export const MAX_OUTSIDE_OFFSET = 0.3;

/** Placement attempts per item before the item is left out of the scene. */
export const PLACEMENT_TRIES = 20;

/**
 * Pretraining images are object-centric: one item filling 55–95% of the side, at most 10% off the edge.
 * Defaults of the preset's `data.pretrain.itemScale` ([min, max]) and `data.pretrain.maxOutsideOffset`.
 */
export const PRETRAIN_MIN_ITEM_SCALE = 0.55;
export const PRETRAIN_MAX_ITEM_SCALE = 0.95;
export const PRETRAIN_MAX_OUTSIDE_OFFSET = 0.1;

/** Per-pixel texture noise amplitude of backgrounds (grey levels, ±); default of `data.appearance.background.noise`. */
export const BACKGROUND_NOISE = 12;

/**
 * `scenes.classesByTint`: an item whose tint hue lies within a quarter turn (90°) of orange (30°)
 * is `warm` (magenta-red, red, orange, yellow, yellow-green: 300° to 120°), any other `cool`
 * (green, cyan, blue, violet, purple). Hues are drawn uniformly, so each tone holds half of
 * every class's items.
 */
export const WARM_HUE_CENTRE = 30 / 360;
export const WARM_HUE_HALF_WIDTH = 0.25;
export type TintTone = 'warm' | 'cool';
export const TINT_TONES: readonly TintTone[] = ['warm', 'cool'];

/** The tone of a hue in [0, 1) (0 = red). */
export function tintTone(hue: number): TintTone {
  const turn = Math.abs(hue - WARM_HUE_CENTRE);
  return Math.min(turn, 1 - turn) < WARM_HUE_HALF_WIDTH ? 'warm' : 'cool';
}

/** The class name of an item of class `className` drawn with this tint hue, under `scenes.classesByTint`. */
export function tintClassName(className: string, hue: number): string {
  return `${className}-${tintTone(hue)}`;
}

/** Every class of `classes` split by tone, in class order: `<c>-warm`, `<c>-cool`, ... */
export function tintClasses(classes: readonly string[]): string[] {
  return classes.flatMap((name) => TINT_TONES.map((tone) => `${name}-${tone}`));
}

/** What the rules need to know about one drawn item. */
export interface ItemExtent {
  /** Box area in pixels (inclusive corners) and the image's area. */
  boxArea: number;
  imageArea: number;
  /** The item's mask pixels: all of them, those inside the image, those inside and not covered by later items. */
  maskPixels: number;
  inImage: number;
  visible: number;
}

/** VOC's `truncated` and `difficult` flags from the rules above. */
export function objectFlags(extent: ItemExtent): { truncated: boolean; difficult: boolean; visibleFraction: number } {
  const visibleFraction = extent.visible / extent.inImage;
  return {
    truncated: extent.inImage < extent.maskPixels,
    difficult: extent.boxArea < DIFFICULT_MAX_BOX_FRACTION * extent.imageArea || visibleFraction < DIFFICULT_MIN_VISIBLE_FRACTION,
    visibleFraction,
  };
}
