/** A decoded image: interleaved 8-bit RGB, row-major, `data.length === width * height * 3`. */
export interface RgbImage {
  data: Uint8Array;
  width: number;
  height: number;
  channels: 3;
}

export function createImage(width: number, height: number): RgbImage {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new Error(`image size must be positive integers, got ${width}x${height}`);
  }
  return { data: new Uint8Array(width * height * 3), width, height, channels: 3 };
}

/** Throws if the buffer length does not match the stated size (catches swapped width/height early). */
export function checkImage(image: RgbImage): void {
  if (image.channels !== 3) throw new Error(`expected 3 channels, got ${image.channels}`);
  if (image.data.length !== image.width * image.height * 3) {
    throw new Error(`image data holds ${image.data.length} bytes, ${image.width}x${image.height}x3 needs ${image.width * image.height * 3}`);
  }
}
