import { describe, expect, it } from 'vitest';
import { DETECTRON_CAFFE2_NORMALIZATION, normalize, TORCHVISION_NORMALIZATION } from './normalize.ts';

// Two pixels: (255, 0, 128) and (10, 20, 30).
const image = { data: Uint8Array.from([255, 0, 128, 10, 20, 30]), width: 2, height: 1, channels: 3 as const };

describe('normalize', () => {
  it('torchvision: RGB planes, /255, minus mean, over std', () => {
    const out = normalize(image, TORCHVISION_NORMALIZATION);
    const expected = [
      (1 - 0.485) / 0.229, (10 / 255 - 0.485) / 0.229, // R plane
      (0 - 0.456) / 0.224, (20 / 255 - 0.456) / 0.224, // G plane
      (128 / 255 - 0.406) / 0.225, (30 / 255 - 0.406) / 0.225, // B plane
    ];
    expect(out.length).toBe(6);
    out.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 5));
    expect(out[0]).toBeCloseTo(2.2489, 4);
  });

  it('Detectron Caffe2: BGR planes, 0..255, minus the BGR means', () => {
    const out = normalize(image, DETECTRON_CAFFE2_NORMALIZATION);
    const expected = [128 - 102.9801, 30 - 102.9801, 0 - 115.9465, 20 - 115.9465, 255 - 122.7717, 10 - 122.7717];
    out.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 4));
  });
});
