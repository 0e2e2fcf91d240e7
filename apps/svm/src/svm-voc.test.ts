import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError, Random } from '@mgta/core';
import { writeNpy } from '@mgta/features';
import { runSvmVoc, type SvmVocOptions } from './svm-voc.ts';

const CLASSES = ['cat', 'dog'];

/** A VOC2007-shaped folder with ImageSets/Main only, and features with a signal per class. */
function fixture(options: { noDogs?: boolean; nanAt?: number } = {}) {
  const root = mkdtempSync(join(tmpdir(), 'svm-voc-'));
  const main = join(root, 'VOC2007', 'ImageSets', 'Main');
  mkdirSync(main, { recursive: true });
  writeFileSync(join(root, 'VOC2007', 'classes.txt'), CLASSES.join('\n') + '\n');
  const random = new Random(3);
  const d = 12;
  for (const [split, n] of [['trainval', 90], ['test', 60]] as const) {
    const ids = Array.from({ length: n }, (_, i) => `${split === 'test' ? 1 : 0}${String(i).padStart(5, '0')}`);
    writeFileSync(join(main, `${split}.txt`), ids.join('\n') + '\n');
    const data = new Float32Array(n * d);
    const labels: Record<string, number[]> = { cat: [], dog: [] };
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < d; k++) data[i * d + k] = Math.max(0, random.normal());
      CLASSES.forEach((cls, c) => {
        let present = random.next() < 0.3;
        if (cls === 'dog' && options.noDogs && split === 'trainval') present = false;
        if (present) for (let k = 0; k < 3; k++) data[i * d + 3 * c + k] += 2;
        labels[cls].push(present ? (i % 10 === 0 ? 0 : 1) : -1);
      });
    }
    for (const cls of CLASSES) {
      writeFileSync(join(main, `${cls}_${split}.txt`), ids.map((id, i) => `${id} ${String(labels[cls][i]).padStart(2)}`).join('\n') + '\n');
    }
    if (options.nanAt !== undefined && split === 'test') data[options.nanAt] = NaN;
    writeNpy(join(root, `${split}.npy`), { dtype: 'float32', rows: n, cols: d, data });
    writeFileSync(join(root, `${split}.json`), JSON.stringify({ ids }));
  }
  const args: SvmVocOptions = {
    devkit: root, year: '2007', train: join(root, 'trainval.npy'), test: join(root, 'test.npy'),
    trainSplit: 'trainval', testSplit: 'test', costs: '0.1,1,10', solver: 'liblinear-dual', threads: '0',
    json: join(root, 'out', 'svm.json'),
  };
  return { root, args };
}

describe('mgta svm-voc', () => {
  it('prints a table and writes the JSON', async () => {
    const { args } = fixture();
    let printed = '';
    const result = await runSvmVoc(args, { out: (t) => { printed += t; } });
    expect(printed).toMatch(/\ncat .*\ndog .*\nmean /);
    expect(result.classes.map((c) => c.name)).toEqual(CLASSES);
    for (const c of result.classes) expect(c.testAp).toBeGreaterThan(0.7);
    const json = JSON.parse(readFileSync(args.json!, 'utf8'));
    expect(json.result.meanTestAp).toBeCloseTo(result.meanTestAp, 12);
    expect(json.protocol).toMatchObject({ costs: [0.1, 1, 10], folds: 3, tol: 1e-4, maxIter: 2000, costList: 'explicit' });
  });

  it('refuses ids that do not match the split, with the file named', async () => {
    const { root, args } = fixture();
    const ids = JSON.parse(readFileSync(join(root, 'test.json'), 'utf8')).ids as string[];
    [ids[0], ids[1]] = [ids[1], ids[0]];
    writeFileSync(join(root, 'test.json'), JSON.stringify({ ids }));
    await expect(runSvmVoc(args, { out: () => {} })).rejects.toThrow(/test\.json: ids: id 0 is "100001" but image 0 of split "test" is "100000"/);
    writeFileSync(join(root, 'test.json'), JSON.stringify({ ids: ids.slice(1) }));
    await expect(runSvmVoc(args, { out: () => {} })).rejects.toThrow(/lists 59 ids but .*test\.npy has 60 rows/);
  });

  it('refuses NaN features and a class with no positive training image', async () => {
    await expect(runSvmVoc(fixture({ nanAt: 12 * 5 + 1 }).args, { out: () => {} })).rejects.toThrow(/test\.npy: non-finite value NaN at row 5 \(image "100005"\), column 1/);
    await expect(runSvmVoc(fixture({ noDogs: true }).args, { out: () => {} })).rejects.toThrow(/class "dog" has no positive training image/);
    await expect(runSvmVoc({ ...fixture().args, costs: 'nope' }, { out: () => {} })).rejects.toThrow(InputError);
  });

  it('refuses trainval and test features of different models, layers, poolings or image sizes', async () => {
    const meta = (split: string, overrides: Record<string, unknown> = {}) => ({
      layer: 'res4', pooling: { kernel: 8, stride: 3, padding: 0, countIncludePad: true }, inputSize: 224,
      model: { path: 'models/a', sha256: 'a'.repeat(64) }, data: { split }, ...overrides,
    });
    const { root, args } = fixture();
    const sidecar = (split: string, overrides: Record<string, unknown> = {}) => {
      const file = join(root, `${split}.json`);
      writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), ...meta(split, overrides) }));
    };
    sidecar('trainval');
    sidecar('test');
    // Same model, other paths and splits: fine.
    await runSvmVoc({ ...args, json: undefined }, { out: () => {} });
    sidecar('test', { model: { path: 'models/b', sha256: 'b'.repeat(64) } });
    await expect(runSvmVoc(args, { out: () => {} })).rejects.toThrow(
      `${join(root, 'test.json')}: model.sha256: "${'b'.repeat(64)}" here but "${'a'.repeat(64)}" in ${join(root, 'trainval.json')}`,
    );
    sidecar('test', { layer: 'res5' });
    await expect(runSvmVoc(args, { out: () => {} })).rejects.toThrow(/test\.json: layer: "res5" here but "res4" in .*trainval\.json/);
    sidecar('test', { pooling: { kernel: 6, stride: 1, padding: 0, countIncludePad: true } });
    await expect(runSvmVoc(args, { out: () => {} })).rejects.toThrow(/test\.json: pooling: .*"kernel":6.* here but .*"kernel":8.* in .*trainval\.json/);
    sidecar('test', { inputSize: 160 });
    await expect(runSvmVoc(args, { out: () => {} })).rejects.toThrow(/test\.json: inputSize: 160 here but 224 in .*trainval\.json/);
    writeFileSync(join(root, 'test.json'), JSON.stringify({ ids: JSON.parse(readFileSync(join(root, 'test.json'), 'utf8')).ids }));
    await expect(runSvmVoc(args, { out: () => {} })).rejects.toThrow(/test\.json: model\.sha256: not recorded here but "a+" in .*trainval\.json/);
  });

  it('--json refuses to overwrite an input, naming it, before any work', async () => {
    const { root, args } = fixture();
    for (const input of ['test.json', 'trainval.json', 'test.npy', 'trainval.npy']) {
      const before = readFileSync(join(root, input));
      await expect(runSvmVoc({ ...args, json: join(root, input) }, { out: () => {} })).rejects.toThrow(
        `--json: ${join(root, input)} is an input of this run`,
      );
      expect(readFileSync(join(root, input))).toEqual(before);
    }
    const labels = join(root, 'VOC2007', 'ImageSets', 'Main', 'cat_test.txt');
    await expect(runSvmVoc({ ...args, json: labels }, { out: () => {} })).rejects.toThrow(/--json: .*cat_test\.txt is a file of the input folder/);
  });

  it('--low-shot runs the low-shot SVM after the full one: table, skipped k, JSON protocol and result', async () => {
    const { args } = fixture();
    let printed = '';
    const result = await runSvmVoc({ ...args, lowShot: '1,4,40', lowShotSamples: '3', seed: '2' }, { out: (t) => { printed += t; } });
    expect(result.lowShot!.byK.map((r) => r.k)).toEqual([1, 4]);
    expect(result.lowShot!.skipped).toEqual([expect.objectContaining({ k: 40, pool: 'positives', needed: 40 })]);
    expect(printed).toMatch(/low-shot linear SVM .*\n +k +cost +mean +std +min +max\n +1 .*\n +4 .*\nskipped k 40: class (cat|dog) has \d+ positive training images, 40 needed\n\(3 samples per k, seed 2/);
    const json = JSON.parse(readFileSync(args.json!, 'utf8'));
    expect(json.protocol.lowShot).toMatchObject({ kValues: [1, 4, 40], samples: 3, seed: 2, costRule: expect.stringMatching(/highest mean over samples/) });
    expect(json.lowShot.byK[1]).toMatchObject({ k: 4, seeds: [6, 1006, 2006], perSample: expect.any(Array) });
    expect(json.lowShot.byK[1].mean).toBeGreaterThan(0.5); // the fixture's signal
    expect(json.lowShot.skipped[0].reason).toMatch(/^k 40: /);
  });

  it('refuses bad --low-shot, --low-shot-samples and --seed values before any work, naming the flag', async () => {
    const { args } = fixture();
    await expect(runSvmVoc({ ...args, lowShot: '1,two' }, { out: () => {} })).rejects.toThrow(/--low-shot: "1,two": "two" is not a positive integer/);
    await expect(runSvmVoc({ ...args, lowShot: true, lowShotSamples: '0' }, { out: () => {} })).rejects.toThrow(/--low-shot-samples: "0" is not a positive integer/);
    await expect(runSvmVoc({ ...args, lowShot: true, seed: '-1' }, { out: () => {} })).rejects.toThrow(/--seed: "-1" is not a non-negative integer/);
  });

  it('records the inputs without this machine\'s folders', async () => {
    const { args } = fixture();
    await runSvmVoc(args, { out: () => {} });
    const json = JSON.parse(readFileSync(args.json!, 'utf8'));
    expect(json.features).toMatchObject({ train: 'trainval.npy', test: 'test.npy' });
    expect(json.dataset.devkit).not.toMatch(/^\//);
  });
});
