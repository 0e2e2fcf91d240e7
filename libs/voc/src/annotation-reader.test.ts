import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '@mgta/core';
import { parseAnnotationXml, readAnnotation } from './annotation-reader.ts';
import { errorOf } from '@mgta/core/testing';

const FILE = '/data/VOC2007/Annotations/000005.xml';

function object(name: string, box: [string, string, string, string], extra = ''): string {
  const [xmin, ymin, xmax, ymax] = box;
  return `<object><name>${name}</name>${extra}<bndbox><xmin>${xmin}</xmin><ymin>${ymin}</ymin><xmax>${xmax}</xmax><ymax>${ymax}</ymax></bndbox></object>`;
}

function annotation(body: string, size = '<size><width>500</width><height>375</height><depth>3</depth></size>'): string {
  return `<annotation>\n<folder>VOC2007</folder>\n<filename>000005.jpg</filename>\n${size}\n${body}\n</annotation>\n`;
}


describe('parseAnnotationXml', () => {
  it('reads a single object, with the devkit defaults for absent difficult/truncated/pose', () => {
    const parsed = parseAnnotationXml(annotation(object('chair', ['263', '211', '324', '339'])), FILE);
    expect(parsed).toEqual({
      id: '000005',
      filename: '000005.jpg',
      size: { width: 500, height: 375, depth: 3 },
      objects: [
        { name: 'chair', bbox: { xmin: 263, ymin: 211, xmax: 324, ymax: 339 }, difficult: false, truncated: false, pose: 'Unspecified' },
      ],
    });
  });

  it('reads several objects in order, their flags, pose, fractional coordinates and segmented', () => {
    const xml = annotation(
      '<segmented>1</segmented>' +
        object('chair', ['1', '2', '3', '4'], '<pose>Rear</pose><truncated>1</truncated><difficult>0</difficult>') +
        object('person', ['10.5', '20.25', '30', '40'], '<difficult>1</difficult>'),
    );
    const parsed = parseAnnotationXml(xml, FILE);
    expect(parsed.segmented).toBe(true);
    expect(parsed.objects.map((o) => [o.name, o.pose, o.truncated, o.difficult])).toEqual([
      ['chair', 'Rear', true, false],
      ['person', 'Unspecified', false, true],
    ]);
    expect(parsed.objects[1].bbox).toEqual({ xmin: 10.5, ymin: 20.25, xmax: 30, ymax: 40 });
  });

  it('reads an image without objects, and a missing depth as 3', () => {
    const parsed = parseAnnotationXml(annotation('', '<size><width>7</width><height>9</height></size>'), FILE);
    expect(parsed.objects).toEqual([]);
    expect(parsed.size).toEqual({ width: 7, height: 9, depth: 3 });
  });

  it('accepts 0 as a coordinate (0-based datasets) and a box reaching the image border', () => {
    const parsed = parseAnnotationXml(annotation(object('dog', ['0', '0', '500', '375'])), FILE);
    expect(parsed.objects[0].bbox).toEqual({ xmin: 0, ymin: 0, xmax: 500, ymax: 375 });
  });

  it('does not expand DOCTYPE entities, but decodes the predefined ones', () => {
    const xml =
      '<?xml version="1.0"?>\n<!DOCTYPE annotation [<!ENTITY who "person"><!ENTITY big "&who;&who;&who;">]>\n' +
      annotation(object('&who;', ['1', '1', '2', '2'], '<pose>Left &amp; &lt;Right&gt; &#65;</pose>'));
    const parsed = parseAnnotationXml(xml, FILE);
    expect(parsed.objects[0].name).toBe('&who;');
    expect(parsed.objects[0].pose).toBe('Left & <Right> A');
    // With a class list the unexpanded name is an unknown class, not "person".
    expect(errorOf(() => parseAnnotationXml(xml, FILE, { classes: ['person'] })).message).toBe(
      `${FILE}: object[1].name: unknown class "&who;" (not in the class list)`,
    );
  });

  it.each([
    ['a non-numeric coordinate', annotation(object('dog', ['1', '1', 'abc', '5'])), 'object[1].bndbox.xmax', '"abc" is not a number'],
    ['an empty coordinate', annotation(object('dog', ['1', '', '4', '5'])), 'object[1].bndbox.ymin', '"" is not a number'],
    ['an inverted box', annotation(object('dog', ['9', '1', '4', '5'])), 'object[1].bndbox', 'inverted box: xmin 9 > xmax 4'],
    ['a negative coordinate', annotation(object('dog', ['1', '-1', '4', '5'])), 'object[1].bndbox.ymin', '-1 is outside the image (below 0)'],
    ['a box beyond the width', annotation(object('dog', ['1', '1', '501', '5'])), 'object[1].bndbox.xmax', '501 is outside the image (width 500)'],
    ['a box beyond the height', annotation(object('dog', ['1', '1', '4', '375.5'])), 'object[1].bndbox.ymax', '375.5 is outside the image (height 375)'],
    ['a missing name', annotation('<object><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>2</xmax><ymax>2</ymax></bndbox></object>'), 'object[1].name', 'missing <name>'],
    ['a missing bndbox', annotation(object('cat', ['1', '1', '2', '2']) + '<object><name>dog</name></object>'), 'object[2].bndbox', 'missing <bndbox>'],
    ['a missing coordinate', annotation('<object><name>dog</name><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>2</xmax></bndbox></object>'), 'object[1].bndbox.ymax', 'missing <ymax>'],
    ['a difficult flag that is not 0/1', annotation(object('dog', ['1', '1', '2', '2'], '<difficult>yes</difficult>')), 'object[1].difficult', '"yes" must be 0 or 1'],
    ['a missing size', annotation('', ''), 'size', 'missing <size>'],
    ['a missing width', annotation('', '<size><height>5</height></size>'), 'size.width', 'missing <width>'],
    ['a zero height', annotation('', '<size><width>5</width><height>0</height></size>'), 'size.height', '0 is not a positive integer'],
    ['a name given twice', annotation('<object><name>a</name><name>b</name><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>2</xmax><ymax>2</ymax></bndbox></object>'), 'object[1].name', '<name> appears 2 times, expected once'],
    ['no <annotation> root', '<foo><bar>1</bar></foo>', 'annotation', 'missing <annotation>'],
  ])('names the file and field for %s', (_case, xml, field, problem) => {
    const error = errorOf(() => parseAnnotationXml(xml, FILE));
    expect(error.file).toBe(FILE);
    expect(error.field).toBe(field);
    expect(error.message).toBe(`${FILE}: ${field}: ${problem}`);
  });

  it('names the line of malformed XML', () => {
    const xml = '<annotation>\n<size>\n<width>5</width>\n</annotation>\n';
    const error = errorOf(() => parseAnnotationXml(xml, FILE));
    expect(error.line).toBe(4);
    expect(error.message).toMatch(new RegExp(`^${FILE}: line 4: malformed XML: .*size`));
  });

  it.each([
    ['an external entity', '<?xml version="1.0"?>\n<!DOCTYPE annotation [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<annotation><filename>&x;</filename></annotation>', 'External entities are not supported'],
    ['tags nested too deeply', `<annotation>${'<a>'.repeat(300)}${'</a>'.repeat(300)}</annotation>`, 'Maximum nested tags exceeded'],
  ])('names the file when the XML parser itself refuses %s', (_case, xml, parserMessage) => {
    const error = errorOf(() => parseAnnotationXml(xml, FILE));
    expect(error.file).toBe(FILE);
    expect(error.message).toBe(`${FILE}: cannot read the XML: ${parserMessage}`);
  });

  it('reads a file that starts with a UTF-8 byte-order mark', () => {
    expect(parseAnnotationXml('\uFEFF' + annotation(object('dog', ['1', '1', '2', '2'])), FILE).objects[0].name).toBe('dog');
  });

  it('rejects unknown classes only when a class list is given', () => {
    const xml = annotation(object('unicorn', ['1', '1', '2', '2']));
    expect(parseAnnotationXml(xml, FILE).objects[0].name).toBe('unicorn');
    expect(errorOf(() => parseAnnotationXml(xml, FILE, { classes: ['dog'] })).field).toBe('object[1].name');
  });
});

describe('readAnnotation', () => {
  it('reads Annotations/<id>.xml and names a missing file', () => {
    const yearDir = mkdtempSync(join(tmpdir(), 'voc-annotation-'));
    mkdirSync(join(yearDir, 'Annotations'));
    writeFileSync(join(yearDir, 'Annotations', '000007.xml'), annotation(object('dog', ['1', '1', '2', '2'])));
    expect(readAnnotation(yearDir, '000007').id).toBe('000007');
    const error = errorOf(() => readAnnotation(yearDir, '000009'));
    expect(error.file).toBe(join(yearDir, 'Annotations', '000009.xml'));
    expect(error.message).toContain('does not exist');
  });
});
