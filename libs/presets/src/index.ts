export { loadPreset, parsePreset, presetPath, presetFile, listPresets, PRESETS_DIR, type Preset } from './preset.ts';
export { parseDataPreset, type DataPreset, type FashionVocDataPreset, type RealDataPreset } from './data-preset.ts';
