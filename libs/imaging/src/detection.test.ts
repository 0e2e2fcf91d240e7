import { describe, expect, it } from 'vitest';
import { createImage } from './image.ts';
import { detectionScale, detectionTransform, flipBoxes, flipImage, scaleBoxes, vocToPixelBox } from './detection.ts';

describe('detectionScale (Detectron prep_im_for_blob)', () => {
  it('scales the short side to S when the long side fits', () => {
    expect(detectionScale(160, 120, 600, 1000)).toBe(5); // long side 800 <= 1000
  });
  it('caps the long side at M', () => {
    expect(detectionScale(500, 100, 600, 1000)).toBe(2); // 600/100 = 6 would make 3000
  });
  it('decides the boundary with np.round (half to even), as Detectron does', () => {
    // 1/2 * 1001 = 500.5 rounds to 500 <= 500, so Detectron keeps 0.5 (min(S/short, M/long) would be 0.4995).
    expect(detectionScale(1001, 2, 1, 500)).toBe(0.5);
  });
  it('returns the resized image and its scale', () => {
    const { image, scale } = detectionTransform(createImage(16, 8), 12, 100);
    expect(scale).toBe(1.5);
    expect([image.width, image.height]).toEqual([24, 12]);
  });
});

describe('horizontal flip', () => {
  it('flips 0-based boxes as Detectron does: x1 = W - x2 - 1, x2 = W - x1 - 1', () => {
    expect(flipBoxes([{ x1: 2, y1: 1, x2: 4, y2: 3 }], 10)).toEqual([{ x1: 5, y1: 1, x2: 7, y2: 3 }]);
  });

  it('moves the pixels of a box to the flipped box', () => {
    const image = createImage(10, 2);
    for (let x = 2; x <= 4; x++) image.data[x * 3] = 200; // red columns 2..4 in row 0
    const flipped = flipImage(image);
    const red = [...Array(10).keys()].filter((x) => flipped.data[x * 3] === 200);
    expect(red).toEqual([5, 6, 7]);
    const [box] = flipBoxes([{ x1: 2, y1: 0, x2: 4, y2: 0 }], 10);
    expect([box.x1, box.x2]).toEqual([5, 7]);
  });

  it('converts VOC 1-based boxes and scales them', () => {
    const box = vocToPixelBox({ xmin: 1, ymin: 2, xmax: 10, ymax: 20 });
    expect(box).toEqual({ x1: 0, y1: 1, x2: 9, y2: 19 });
    expect(scaleBoxes([box], 2)).toEqual([{ x1: 0, y1: 2, x2: 18, y2: 38 }]);
  });
});
