import { InputError, startProgress, withOutputLock, type Progress } from '@mgta/core';
import { makeFashionVoc, type MakeResult } from '@mgta/fashion-voc';
import { loadPreset, presetFile } from '@mgta/presets';
import { processIo, type DataIo } from './io.ts';

export interface MakeFashionVocOptions {
  out: string;
  preset: string;
  seed?: string;
  fashionMnist?: string;
  force?: boolean;
}

export const DEFAULT_SEED = 0;

/** `mgta make-fashion-voc`: generates (or confirms) the Fashion-VOC data set of a preset. */
export async function runMakeFashionVoc(options: MakeFashionVocOptions, io: DataIo = processIo): Promise<MakeResult> {
  const preset = loadPreset(options.preset);
  const file = presetFile(options.preset);
  if (preset.data.source !== 'fashion-voc') {
    throw new InputError(
      file,
      `preset "${preset.name}" names real data (${String(preset.data.pretrain.dataset)}, PASCAL VOC), which make-fashion-voc ` +
        'does not generate: download those data sets and point the benches at their folders',
      { field: 'data.source' },
    );
  }
  const data = preset.data; // narrowed by the check above, which a callback would not see
  const seed = parseSeed(options.seed);
  let progress: Progress | undefined;
  const started = Date.now();
  // Locked: two generators on one --out would each rename their staging folder over the other's.
  const result = await withOutputLock(options.out, () => makeFashionVoc({
    out: options.out,
    presetName: preset.name,
    data,
    seed,
    fashionMnistDir: options.fashionMnist,
    force: options.force,
    onProgress: (done, total) => {
      if (done === 0) progress = startProgress(`fashion-voc ${preset.name}`, total);
      else progress?.tick();
    },
  }), { command: `mgta make-fashion-voc --preset ${preset.name}` });
  progress?.stop();
  const m = result.manifest;
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const verb = { created: 'wrote', replaced: 'replaced', unchanged: 'already up to date:' }[result.status];
  io.out(
    `${verb} ${options.out} (preset ${m.preset}, seed ${m.seed}): ${m.counts.pretrain} pretraining images, ` +
      Object.entries(m.counts.years).map(([year, c]) => `${year} ${c.images} scenes / ${c.objects} objects`).join(', ') +
      `; ${m.files} files, fingerprint ${m.fingerprint.slice(0, 16)}… (${seconds} s)\n`,
  );
  return result;
}

function parseSeed(text: string | undefined): number {
  if (text === undefined) return DEFAULT_SEED;
  const seed = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(seed) || seed > 0xffffffff) {
    throw new InputError('--seed', `must be an integer in [0, 4294967295], got "${text}"`);
  }
  return seed;
}
