import { InputError, stableStringify } from '@mgta/core';

/**
 * What must agree between the trainval and test features (from `mgta extract`'s `<f>.json`):
 * an SVM trained on one model's or layer's features and tested on another's gives a number
 * that looks like a result and means nothing.
 */
const MUST_AGREE = ['model.sha256', 'layer', 'pooling', 'inputSize'] as const;

/**
 * Refuses features of different models, layers, poolings or image sizes, naming both sidecars,
 * the field and both values. A field that neither file records (an ids-only file from another
 * tool) cannot be checked and passes; one recorded on one side only does not.
 */
export function checkSameFeatureSource(train: { file: string; meta: unknown }, test: { file: string; meta: unknown }): void {
  for (const field of MUST_AGREE) {
    const a = valueAt(train.meta, field);
    const b = valueAt(test.meta, field);
    if (a === undefined && b === undefined) continue;
    const [shownA, shownB] = [show(a), show(b)];
    if (shownA !== shownB) {
      throw new InputError(test.file, `${shownB} here but ${shownA} in ${train.file}: the trainval and test features must come from the same model, layer, pooling and image size`, { field });
    }
  }
}

function valueAt(meta: unknown, path: string): unknown {
  let value = meta;
  for (const key of path.split('.')) value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  return value;
}

function show(value: unknown): string {
  return value === undefined ? 'not recorded' : stableStringify(value);
}
