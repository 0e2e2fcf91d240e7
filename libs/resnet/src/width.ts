/**
 * ResNet-50 at any width: a multiplier w scales every conv/BN channel count (stem 64w, bottleneck
 * planes 64w/128w/256w/512w, expansion 4, so res4 has 1024w channels and res5 2048w). Depth, block
 * counts, strides and torchvision names do not change. Every count is a multiple of the stem's
 * 64w, so a width is valid exactly when 64w is a positive integer (1, 0.5, 0.25, 0.125, 3/64...).
 * Width 1 is torchvision's ResNet-50; an architecture or manifest without a width means 1.
 */

/** Stem channels at width 1; the width of a weight map is its conv1 out-channels / this. */
export const BASE_STEM_CHANNELS = 64;
export const DEFAULT_WIDTH = 1;

/** The width, checked: a finite w > 0 with 64·w a whole number. Throws a clear Error otherwise. */
export function checkWidth(width: unknown, what = 'width'): number {
  if (typeof width !== 'number' || !Number.isFinite(width) || width <= 0) {
    throw new Error(`${what} must be a positive number (e.g. 1, 0.5, 0.25, 0.125), got ${JSON.stringify(width) ?? String(width)}`);
  }
  const stem = BASE_STEM_CHANNELS * width;
  if (!Number.isInteger(stem)) {
    throw new Error(`${what} ${width} gives the stem ${stem} channels; every channel count must be whole, so 64 × width must be an integer (e.g. 1, 0.5, 0.25, 0.125)`);
  }
  return width;
}

export function isValidWidth(width: unknown): width is number {
  try {
    checkWidth(width);
    return true;
  } catch {
    return false;
  }
}

/** Channels at width w of a count given at width 1 (64, 256, 1024, ...). */
export function scaleChannels(channelsAtWidthOne: number, width: number): number {
  // Exact: a valid w is k/64, a dyadic fraction, and every count at width 1 is a multiple of 64.
  return channelsAtWidthOne * width;
}

/** The width of a model whose conv1 has `stemChannels` output channels (any positive integer). */
export function widthFromStemChannels(stemChannels: number, what = 'conv1.weight'): number {
  if (!Number.isInteger(stemChannels) || stemChannels < 1) {
    throw new Error(`${what} has ${stemChannels} output channels; a ResNet-50 of width w has 64·w (a positive integer)`);
  }
  return stemChannels / BASE_STEM_CHANNELS;
}

/** '1', '1/4', '3/64', '2': the width as the exact fraction k/64 in lowest terms. */
export function formatWidth(width: number): string {
  let numerator = BASE_STEM_CHANNELS * width;
  let denominator = BASE_STEM_CHANNELS;
  if (!Number.isInteger(numerator)) return String(width);
  while (numerator % 2 === 0 && denominator % 2 === 0) {
    numerator /= 2;
    denominator /= 2;
  }
  return denominator === 1 ? String(numerator) : `${numerator}/${denominator}`;
}

/**
 * Parses a width as a user writes it: a decimal ('0.25') or a fraction ('1/4'), then checks it.
 * `what` names the option in errors (e.g. '--width').
 */
export function parseWidth(text: string, what = 'width'): number {
  const trimmed = text.trim();
  const fraction = /^(\d+(?:\.\d+)?)\s*\/\s*(\d+(?:\.\d+)?)$/.exec(trimmed);
  let value: number;
  if (fraction) value = Number(fraction[1]) / Number(fraction[2]);
  else if (/^(\d+(\.\d*)?|\.\d+)(e-?\d+)?$/i.test(trimmed)) value = Number(trimmed);
  else throw new Error(`${what} must be a number such as 1, 0.5, 0.25 or 1/4, got "${text}"`);
  return checkWidth(value, what);
}
