export { createImage, checkImage, type RgbImage } from './image.ts';
export { decodeImage } from './decode.ts';
export { resizeBilinearPil, resizeGreyBilinearPil, resizeBilinearCv2 } from './resize.ts';
export { classificationTransform, CLASSIFICATION_SIZE } from './classification.ts';
export {
  detectionScale, detectionTransform, flipImage, flipBoxes, scaleBoxes, vocToPixelBox,
  DETECTRON_DEFAULT_SCALE, DETECTRON_DEFAULT_MAX_SIZE, type PixelBox,
} from './detection.ts';
export { normalize, TORCHVISION_NORMALIZATION, DETECTRON_CAFFE2_NORMALIZATION, type Normalization } from './normalize.ts';
export { streamBatches, type Batch, type BatchOptions, type ImageSource } from './batches.ts';
