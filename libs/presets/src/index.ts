export { loadPreset, parsePreset, presetPath, presetFile, listPresets, PRESETS_DIR, type Preset } from './preset.ts';
export {
  parseDataPreset, BACKGROUND_TEXTURE_NAMES, type DataPreset, type FashionVocDataPreset, type FashionVocAppearance, type BackgroundTextureName, type RealDataPreset,
} from './data-preset.ts';
