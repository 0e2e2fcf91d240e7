export { parseIdx, readIdxFile, encodeIdx, IDX_TYPE_UBYTE, type IdxArray } from './idx.ts';
export { FASHION_MNIST_CLASSES } from './classes.ts';
export {
  loadFashionMnist, loadFullFashionMnist, SHIPPED_DIR, SYSTEM_DIR, SHIPPED_COUNT,
  type FashionMnist, type LoadOptions,
} from './load.ts';
