export { parseNpy, readNpy, formatNpy, writeNpy, type NpyMatrix, type NpyDtype } from './npy.ts';
export { avgPoolFlatten, pooledDimension, pooledSize, GOYAL_POOLING, FEATURE_LAYERS, type FeatureLayer, type AvgPoolSpec } from './pooling.ts';
export { loadFeatureModel, type FeatureModel } from './feature-model.ts';
export { extractFeatures, type ExtractOptions, type ExtractResult, type ExtractTiming, type FeatureFileMeta } from './extract.ts';
