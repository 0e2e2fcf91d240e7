/**
 * An imported trunk → an mgta checkpoint folder (manifest.json + weights.bin), with the import's
 * account in the manifest's `training` so that every result built on it names its source.
 */
import type { Normalization } from '@mgta/imaging';
import { saveCheckpoint, type CheckpointManifest } from '@mgta/resnet';
import type { ImportedCheckpoint } from './import-checkpoint.ts';

/** Bumped when the importer's output for the same file could change (cache keys include it). */
export const IMPORTER_VERSION = 1;

export async function writeImportedCheckpoint(dir: string, imported: ImportedCheckpoint, pixelNormalization: Normalization, createdBy: string): Promise<CheckpointManifest> {
  return saveCheckpoint(dir, imported.weights, {
    createdBy,
    stride1x1: imported.stride1x1,
    pixelNormalization,
    training: {
      importedFrom: imported.source,
      sourceSha256: imported.sha256,
      sourceFormat: imported.format,
      layout: imported.layout,
      prefix: imported.prefix,
      naming: imported.naming,
      keptByDType: imported.keptByDType,
      synthesisedBatchNormStatistics: imported.synthesised,
      dropped: imported.dropped,
      placeholders: imported.placeholders,
      importerVersion: IMPORTER_VERSION,
    },
  });
}

/** What a user reads after an import: the layout, what was kept, dropped and never called. */
export function describeImport(imported: ImportedCheckpoint, pixelNormalization: Normalization): string[] {
  const kept = Object.entries(imported.keptByDType).map(([dtype, count]) => `${count} ${dtype}`).join(', ');
  const variant = imported.stride1x1 ? ', v1 (stride on the 1x1 conv, Detectron STRIDE_1X1)' : '';
  const lines = [
    `read ${imported.source} (${imported.format}): ${imported.layout}, trunk under '${imported.prefix}' with ${imported.naming} names`,
    `kept: ResNet-50${imported.width !== 1 ? ` at width ${imported.width}` : ''}${variant}, ${imported.weights.size} tensors (${kept}${imported.synthesised ? `; ${imported.synthesised} BN statistics written as identity for AffineChannel` : ''})`,
  ];
  const dropped = imported.dropped.map((d) => `${d.group} (${d.tensors})`);
  lines.push(`dropped: ${dropped.length ? dropped.join(', ') : 'nothing'}`);
  if (imported.placeholders.length) {
    const names = [...new Set(imported.placeholders.map((p) => p.global))];
    lines.push(`never called (inert placeholders): ${names.join(', ')} at ${imported.placeholders.map((p) => p.path || 'top level').join(', ')}`);
  }
  const pixels = pixelNormalization.channelOrder === 'BGR' && pixelNormalization.scale === 1 ? "Detectron's (BGR, 0-255, mean subtraction)" : pixelNormalization.scale === 1 / 255 && pixelNormalization.std[0] !== 1 ? "torchvision's (RGB, ImageNet mean/std)" : JSON.stringify(pixelNormalization);
  lines.push(`pixel normalisation: ${pixels}`);
  return lines;
}
