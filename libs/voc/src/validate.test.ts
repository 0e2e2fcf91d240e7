import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeVocYear } from './devkit-writer.ts';
import type { VocAnnotation } from './types.ts';
import { validateVocYear } from './validate.ts';

function image(id: string, objects: Array<[string, boolean]>): VocAnnotation {
  return {
    id,
    filename: `${id}.jpg`,
    size: { width: 10, height: 10, depth: 3 },
    objects: objects.map(([name, difficult]) => ({
      name,
      difficult,
      truncated: false,
      pose: 'Unspecified',
      bbox: { xmin: 1, ymin: 2, xmax: 3, ymax: 4 },
    })),
  };
}

/** A valid tree: 3 images with JPEGImages, split "val" of all three, classes cat and dog. */
function validTree(): { devkit: string; yearDir: string } {
  const devkit = mkdtempSync(join(tmpdir(), 'voc-validate-'));
  const yearDir = join(devkit, 'VOC2007');
  const annotations = [image('000001', [['cat', false]]), image('000002', [['dog', true]]), image('000003', [])];
  writeVocYear(yearDir, { classes: ['cat', 'dog'], annotations, splits: { val: ['000001', '000002', '000003'] } });
  mkdirSync(join(yearDir, 'JPEGImages'));
  for (const { filename } of annotations) writeFileSync(join(yearDir, 'JPEGImages', filename), 'not decoded here');
  return { devkit, yearDir };
}

describe('validateVocYear', () => {
  it('finds nothing wrong in a tree the writer made', () => {
    expect(validateVocYear({ devkit: validTree().devkit, year: '2007' })).toEqual([]);
  });

  it('lists every problem, each with its file and line or field', () => {
    const { devkit, yearDir } = validTree();
    const at = (path: string) => join(yearDir, path);
    // 000002: two problems in one annotation, both must be reported.
    const xml2 = at('Annotations/000002.xml');
    writeFileSync(
      xml2,
      readFileSync(xml2, 'utf8').replace('<xmax>3</xmax>', '<xmax>abc</xmax>').replace('<name>dog</name>', '<name>unicorn</name>'),
    );
    appendFileSync(at('ImageSets/Main/val.txt'), '000009\n000001\n'); // no annotation; duplicate
    writeFileSync(at('ImageSets/Main/cat_val.txt'), '000001 -1\n000002 -1\n000007  1\n'); // wrong label, extra id, 000003 missing
    writeFileSync(at('JPEGImages/000003.jpg'), ''); // exists: fine
    rmSync(at('JPEGImages/000001.jpg'));

    const problems = validateVocYear({ devkit, year: '2007' });
    const labelMeaning = '(1 = a non-difficult object of the class, 0 = only difficult ones, -1 = none)';
    expect(problems).toEqual(
      expect.arrayContaining([
        { file: at('ImageSets/Main/val.txt'), line: 5, problem: 'duplicate image id "000001" (first on line 1)' },
        { file: at('ImageSets/Main/val.txt'), line: 4, problem: `image "000009" has no annotation file ${at('Annotations/000009.xml')}` },
        { file: at('JPEGImages/000001.jpg'), problem: 'image of annotation "000001" does not exist' },
        { file: xml2, field: 'object[1].name', problem: 'unknown class "unicorn" (not in the class list)' },
        { file: xml2, field: 'object[1].bndbox.xmax', problem: '"abc" is not a number' },
        { file: at('ImageSets/Main/cat_val.txt'), line: 1, problem: `label of "000001" is -1, its annotation implies 1 ${labelMeaning}` },
        { file: at('ImageSets/Main/cat_val.txt'), line: 3, problem: `image "000007" is not in ${at('ImageSets/Main/val.txt')}` },
        // 000009 was added to val.txt only, so both label files lack it.
        { file: at('ImageSets/Main/cat_val.txt'), problem: `has no line for 2 image(s) of ${at('ImageSets/Main/val.txt')}: "000003", "000009"` },
        { file: at('ImageSets/Main/dog_val.txt'), problem: `has no line for 1 image(s) of ${at('ImageSets/Main/val.txt')}: "000009"` },
      ]),
    );
    // Nothing else: 000002's bad annotation must not also produce label-consistency noise.
    expect(problems).toHaveLength(9);
  });

  it('reports a missing JPEGImages folder once, and can skip image checks', () => {
    const { devkit, yearDir } = validTree();
    rmSync(join(yearDir, 'JPEGImages'), { recursive: true });
    expect(validateVocYear({ devkit, year: '2007' })).toEqual([{ file: join(yearDir, 'JPEGImages'), problem: 'folder does not exist' }]);
    expect(validateVocYear({ devkit, year: '2007', checkImages: false })).toEqual([]);
  });

  it('reports missing label files and malformed XML with its line', () => {
    const { devkit, yearDir } = validTree();
    rmSync(join(yearDir, 'ImageSets/Main/dog_val.txt'));
    writeFileSync(join(yearDir, 'Annotations/000003.xml'), '<annotation>\n<size>\n</annotation>\n');
    const problems = validateVocYear({ devkit, year: '2007' });
    expect(problems.map((p) => [p.file, p.line])).toEqual([
      [join(yearDir, 'Annotations/000003.xml'), 3],
      [join(yearDir, 'ImageSets/Main/dog_val.txt'), undefined],
    ]);
  });

  it('lists the XML parser\'s own refusals with their files and goes on checking', () => {
    const { devkit, yearDir } = validTree();
    const entity = join(yearDir, 'Annotations/000001.xml');
    writeFileSync(entity, '<?xml version="1.0"?>\n<!DOCTYPE annotation [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<annotation><filename>&x;</filename></annotation>\n');
    const deep = join(yearDir, 'Annotations/000002.xml');
    writeFileSync(deep, `<annotation>${'<a>'.repeat(300)}${'</a>'.repeat(300)}</annotation>\n`);
    rmSync(join(yearDir, 'ImageSets/Main/dog_val.txt'));
    expect(validateVocYear({ devkit, year: '2007' })).toEqual([
      { file: entity, problem: 'cannot read the XML: External entities are not supported' },
      { file: deep, problem: 'cannot read the XML: Maximum nested tags exceeded' },
      { file: join(yearDir, 'ImageSets/Main/dog_val.txt'), problem: 'label file of class "dog" for split "val" does not exist' },
    ]);
  });

  it('reports a devkit without the year folder as one problem', () => {
    const devkit = mkdtempSync(join(tmpdir(), 'voc-validate-'));
    const problems = validateVocYear({ devkit, year: '2012' });
    expect(problems).toEqual([{ file: devkit, line: undefined, field: undefined, problem: 'has neither a VOC2012/ folder nor Annotations/ or ImageSets/ folders' }]);
  });
});
