/**
 * Fashion-MNIST label names in label order 0..9 (github.com/zalandoresearch/fashion-mnist, "Labels"),
 * spelled as VOC-style class names: lower case, no spaces or slashes ("T-shirt/top" → "t-shirt").
 */
export const FASHION_MNIST_CLASSES: readonly string[] = [
  't-shirt', 'trouser', 'pullover', 'dress', 'coat', 'sandal', 'shirt', 'sneaker', 'bag', 'ankle-boot',
];
