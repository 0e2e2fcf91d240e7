import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeFashionVoc } from '@mgta/fashion-voc';
import type { FashionVocDataPreset } from '@mgta/presets';
import { checkVoc, formatProblem, runCheckVoc } from './check-voc.ts';
import { runMakeFashionVoc } from './make-fashion-voc.ts';

const TINY: FashionVocDataPreset = {
  source: 'fashion-voc',
  pretrain: { images: 4, size: 32, format: 'png' },
  scenes: { minSize: 64, maxSize: 72, maxItems: 3, minItemScale: 0.3, maxItemScale: 0.6, jpegQuality: 90 },
  voc2007: { trainval: 4, test: 4, valFraction: 0.5 },
  voc2012: { trainval: 2, valFraction: 0.5 },
};

const silent = { out: () => undefined, err: () => undefined };
let root: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'data-app-'));
  await makeFashionVoc({ out: join(root, 'good'), presetName: 'tiny', data: TINY, seed: 1 });
});

describe('check-voc', () => {
  it('passes a generated devkit and says how many images it checked', async () => {
    const lines: string[] = [];
    await runCheckVoc({ devkit: join(root, 'good', 'VOCdevkit'), year: '2007' }, { out: (t) => lines.push(t), err: (t) => lines.push(t) });
    expect(lines.join('')).toMatch(/VOC2007 at .*: OK \(8 annotated images/);
  });

  it('reports an undecodable JPEG and a size mismatch, and fails', async () => {
    const bad = join(root, 'bad');
    cpSync(join(root, 'good'), bad, { recursive: true });
    const year = join(bad, 'VOCdevkit', 'VOC2007');
    const jpeg = join(year, 'JPEGImages', '000001.jpg');
    writeFileSync(jpeg, readFileSync(jpeg).subarray(0, 200));
    const xml = join(year, 'Annotations', '000002.xml');
    writeFileSync(xml, readFileSync(xml, 'utf8').replace(/<width>\d+<\/width>/, '<width>999</width>'));
    const { problems } = await checkVoc({ devkit: join(bad, 'VOCdevkit'), year: '2007' });
    const text = problems.map(formatProblem).join('\n');
    expect(text).toMatch(/000001\.jpg: does not decode as a JPEG/);
    expect(text).toMatch(/000002\.jpg: is \d+x\d+, its annotation says 999x\d+/);
    const errors: string[] = [];
    await expect(runCheckVoc({ devkit: join(bad, 'VOCdevkit'), year: '2007' }, { out: () => undefined, err: (t) => errors.push(t) }))
      .rejects.toThrow(/VOC2007: 2 problem\(s\) found/);
    expect(errors).toHaveLength(2);
  });

  it('lists an annotation the XML parser refuses with the other problems, not stopping at it', async () => {
    const bad = join(root, 'bad-xml');
    cpSync(join(root, 'good'), bad, { recursive: true });
    const year = join(bad, 'VOCdevkit', 'VOC2007');
    const xml = join(year, 'Annotations', '000001.xml');
    writeFileSync(xml, '<?xml version="1.0"?>\n<!DOCTYPE annotation [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<annotation><filename>&x;</filename></annotation>\n');
    const jpeg = join(year, 'JPEGImages', '000002.jpg');
    writeFileSync(jpeg, readFileSync(jpeg).subarray(0, 200));
    const errors: string[] = [];
    await expect(runCheckVoc({ devkit: join(bad, 'VOCdevkit'), year: '2007' }, { out: () => undefined, err: (t) => errors.push(t) }))
      .rejects.toThrow(/VOC2007: 2 problem\(s\) found/);
    expect(errors).toEqual([
      `${xml}: cannot read the XML: External entities are not supported\n`,
      expect.stringMatching(/000002\.jpg: does not decode as a JPEG/),
    ]);
  });

  it('reports a missing devkit', async () => {
    await expect(runCheckVoc({ devkit: join(root, 'nowhere'), year: '2007' }, silent)).rejects.toThrow(/1 problem/);
  });
});

describe('make-fashion-voc', () => {
  it('refuses the paper preset, which names real data', async () => {
    await expect(runMakeFashionVoc({ out: join(root, 'paper'), preset: 'paper' }, silent))
      .rejects.toThrow(/paper\.json: data\.source: preset "paper" names real data \(miniImageNet, PASCAL VOC\)/);
  });

  it('refuses a bad seed', async () => {
    await expect(runMakeFashionVoc({ out: join(root, 'x'), preset: 'ci', seed: '-1' }, silent)).rejects.toThrow(/--seed: must be an integer/);
  });

  it('reports an up-to-date data set without regenerating it', async () => {
    const file = join(root, 'tiny.json');
    writeFileSync(file, JSON.stringify({ name: 'tiny', description: 'test', data: TINY }));
    const lines: string[] = [];
    const result = await runMakeFashionVoc({ out: join(root, 'good'), preset: file, seed: '1' }, { out: (t) => lines.push(t), err: () => undefined });
    expect(result.status).toBe('unchanged');
    expect(lines.join('')).toMatch(/^already up to date: .*good \(preset tiny, seed 1\): 4 pretraining images, VOC2007 8 scenes/);
  });
});
