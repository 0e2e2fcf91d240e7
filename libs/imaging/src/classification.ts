import type { RgbImage } from './image.ts';
import { resizeBilinearPil } from './resize.ts';

/**
 * Goyal et al. 2019 ("Scaling and Benchmarking Self-Supervised Visual Representation Learning",
 * VOC07 linear SVM; fair_self_supervision_benchmark): every image is resized to 224x224,
 * ignoring the aspect ratio, before the frozen network. torchvision-style PIL bilinear.
 */
export const CLASSIFICATION_SIZE = 224;

export function classificationTransform(image: RgbImage, size = CLASSIFICATION_SIZE): RgbImage {
  return resizeBilinearPil(image, size, size);
}
