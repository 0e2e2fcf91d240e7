export { makeFashionVoc, GENERATOR_VERSION, MANIFEST_FILE, CHECKSUMS_FILE, HOLDOUT_FILE, type FashionVocManifest, type MakeOptions, type MakeResult } from './generate.ts';
export { planDataset, assignItems, holdoutItems, type DatasetPlan, type YearPlan } from './plan.ts';
export { composeScene, composePretrainImage, type Scene, type SceneObject } from './scene.ts';
export * from './rules.ts';
export {
  resolveAppearance, renderBackground, itemTint, drawItemTint, DEFAULT_APPEARANCE, BACKGROUND_TEXTURES, BACKGROUND_SATURATION, BACKGROUND_BRIGHTNESS,
  BACKGROUND_CONTRAST, TINT_SATURATION, TINT_BRIGHTNESS, type Appearance, type BackgroundTexture, type Range,
} from './texture.ts';
