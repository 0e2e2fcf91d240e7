import sharp from 'sharp';
import { InputError } from '@mgta/core';
import type { RgbImage } from './image.ts';

/**
 * Decodes a JPEG or PNG (file path or bytes) to 8-bit sRGB: grey images are expanded to three
 * equal channels and alpha is dropped, as PIL's `Image.convert('RGB')` does in torchvision loaders.
 * EXIF orientation is not applied (PIL does not apply it either; VOC JPEGs carry none).
 */
export async function decodeImage(source: string | Uint8Array, name = typeof source === 'string' ? source : '<buffer>'): Promise<RgbImage> {
  try {
    const { data, info } = await sharp(source, { failOn: 'error' })
      .removeAlpha()
      .toColourspace('srgb')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`decoded to ${info.channels} channels`);
    return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height, channels: 3 };
  } catch (error) {
    throw new InputError(name, `cannot be decoded as an image (${(error as Error).message})`);
  }
}
