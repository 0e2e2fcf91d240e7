export { makeFashionVoc, GENERATOR_VERSION, MANIFEST_FILE, CHECKSUMS_FILE, type FashionVocManifest, type MakeOptions, type MakeResult } from './generate.ts';
export { planDataset, assignItems, type DatasetPlan, type YearPlan } from './plan.ts';
export { composeScene, composePretrainImage, type Scene, type SceneObject } from './scene.ts';
export * from './rules.ts';
