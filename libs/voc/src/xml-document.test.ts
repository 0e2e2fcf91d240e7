import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Random } from '@mgta/core';
import { annotationToXml } from './annotation-writer.ts';
import { parseSimpleXml } from './simple-xml.ts';
import { VOC_CLASSES, type VocAnnotation } from './types.ts';
import { parseXmlDocument, parseXmlWithLibrary } from './xml-document.ts';

/**
 * simple-xml.ts must build exactly what fast-xml-parser builds for every file it accepts
 * (else the result would depend on which path read a file), and must refuse what it cannot
 * read exactly. "Exactly" here: the same JSON, so property order too.
 */

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
// The golden fixtures sit beside the workspace, at the same absolute path as in the other evaluator tests (fixtures.test.ts).
const FIXTURES = '/work/shared/fixtures/voc-eval';
const FASHION_VOC = join(ROOT, 'data', 'fashion-voc');
const ALWAYS_ARRAY = new Set(['annotation.object']);
const FILE = 'Annotations/000001.xml';

function annotationFiles(devkit: string): string[] {
  return readdirSync(devkit)
    .filter((year) => existsSync(join(devkit, year, 'Annotations')))
    .flatMap((year) => readdirSync(join(devkit, year, 'Annotations')).map((name) => join(devkit, year, 'Annotations', name)));
}

/** The fast path accepted `xml` and built fast-xml-parser's object; returns whether it accepted. */
function expectSameAsLibrary(xml: string): boolean {
  const simple = parseSimpleXml(xml, ALWAYS_ARRAY);
  const library = parseXmlWithLibrary(xml, FILE);
  if (simple !== undefined) {
    expect(library.problem).toBeUndefined();
    expect(JSON.stringify(simple)).toBe(JSON.stringify(library.document));
    expect(simple).toStrictEqual(library.document);
  }
  // Whichever path ran, the caller sees fast-xml-parser's result (or its problem).
  expect(JSON.stringify(parseXmlDocument(xml, FILE))).toBe(JSON.stringify(library));
  return simple !== undefined;
}

describe('parseSimpleXml against fast-xml-parser', () => {
  const goldenFiles = readdirSync(FIXTURES)
    .filter((name) => name.startsWith('case'))
    .flatMap((name) => annotationFiles(join(FIXTURES, name, 'VOCdevkit')));

  it(`reads every annotation of the golden fixtures (${goldenFiles.length} files) as fast-xml-parser does`, () => {
    expect(goldenFiles.length).toBeGreaterThan(0);
    for (const file of goldenFiles) expect(expectSameAsLibrary(readFileSync(file, 'utf8')), file).toBe(true);
  });

  // data/ is generated (npx nx run data-app:fashion-voc), so it is absent from a fresh checkout;
  // the writer's own output is covered below in any case.
  const fashionVoc = existsSync(FASHION_VOC)
    ? readdirSync(FASHION_VOC).flatMap((preset) => (existsSync(join(FASHION_VOC, preset, 'VOCdevkit')) ? annotationFiles(join(FASHION_VOC, preset, 'VOCdevkit')) : []))
    : [];
  it.skipIf(fashionVoc.length === 0)(`reads every generated Fashion-VOC annotation (${fashionVoc.length} files) as fast-xml-parser does`, () => {
    for (const file of fashionVoc) expect(expectSameAsLibrary(readFileSync(file, 'utf8')), file).toBe(true);
  });

  it('reads what annotationToXml writes, with any number of objects, fractions and optional fields', () => {
    const random = new Random(13);
    for (let i = 0; i < 200; i++) {
      const annotation: VocAnnotation = {
        id: String(i).padStart(6, '0'),
        filename: `${String(i).padStart(6, '0')}.jpg`,
        size: { width: 1 + random.int(999), height: 1 + random.int(999), depth: random.next() < 0.9 ? 3 : 1 },
        objects: Array.from({ length: random.int(5) }, () => ({
          name: VOC_CLASSES[random.int(VOC_CLASSES.length)],
          bbox: { xmin: random.int(50), ymin: random.next() * 50, xmax: 50 + random.int(50), ymax: 50.5 },
          difficult: random.next() < 0.2,
          truncated: random.next() < 0.2,
          pose: random.next() < 0.5 ? 'Unspecified' : ' Left  ',
        })),
      };
      if (random.next() < 0.5) annotation.segmented = random.next() < 0.5;
      const options = random.next() < 0.5 ? { folder: 'VOC2007', database: 'The VOC2007 Database' } : {};
      expect(expectSameAsLibrary(annotationToXml(annotation, options))).toBe(true);
    }
  });

  it.each([
    ['one object, still a list', '<annotation><object><name>a</name></object></annotation>', true],
    ['repeated names, as lists in document order', '<annotation><a>1</a><b>2</b><a>3</a><object><part>x</part><part>y</part></object></annotation>', true],
    ['empty elements and whitespace-only text', '<annotation><a></a><b> \t\n </b><c>\n<d></d>\n</c></annotation>', true],
    ['text trimmed as String.prototype.trim trims it', '<annotation><a>\u00a0 x y \u2003</a><b>\ufeffz</b></annotation>', true],
    ['CRLF line ends', '<annotation>\r\n\t<a> 1 \r\n</a>\r\n</annotation>\r\n', true],
    ['leading and trailing whitespace', ' \n<annotation><a>1</a></annotation>\n\n', true],
    ['names with digits, dots, dashes, underscores', '<annotation><_a.b-c9>1</_a.b-c9></annotation>', true],
    ['a root other than annotation', '<foo><object>1</object></foo>', true],
    ['an object below another element (not forced into a list)', '<annotation><x><object>1</object></x></annotation>', true],
    ['a ">" in text', '<annotation><a>1 > 0</a></annotation>', true],
    ['non-ASCII text', '<annotation><pose>Ünspecified 日本</pose></annotation>', true],
    // Outside the subset: fast-xml-parser reads them (or names the problem).
    ['a CR inside a text value', '<annotation><a>1\r2</a></annotation>', false],
    ['an XML declaration', '<?xml version="1.0" encoding="utf-8"?>\n<annotation><a>1</a></annotation>', false],
    ['attributes', '<annotation verified="yes"><a x="1">1</a></annotation>', false],
    ['a self-closing tag', '<annotation><a/><b>1</b></annotation>', false],
    ['a space inside a tag', '<annotation ><a>1</a ></annotation>', false],
    ['a comment', '<annotation><!-- c --><a>1</a></annotation>', false],
    ['CDATA', '<annotation><a><![CDATA[x<y]]></a></annotation>', false],
    ['an entity', '<annotation><a>x &amp; y</a></annotation>', false],
    ['a DOCTYPE', '<!DOCTYPE annotation>\n<annotation><a>1</a></annotation>', false],
    ['mixed content', '<annotation>text<a>1</a></annotation>', false],
    ['text after the last child', '<annotation><a>1</a>text</annotation>', false],
    ['non-ASCII whitespace between elements', '<annotation>\u00a0<a>1</a></annotation>', false],
    ['a namespace prefix', '<annotation><x:a>1</x:a></annotation>', false],
    ['a non-ASCII name', '<annotation><é>1</é></annotation>', false],
    ['__proto__', '<annotation><__proto__><size>1</size></__proto__></annotation>', false],
    ['constructor', '<annotation><constructor>1</constructor></annotation>', false],
    ['toString', '<annotation><toString>1</toString></annotation>', false],
    ['prototype', '<annotation><prototype>1</prototype></annotation>', false],
    ['nesting deeper than 32', `<annotation>${'<a>'.repeat(40)}1${'</a>'.repeat(40)}</annotation>`, false],
    ['nesting deeper than fast-xml-parser allows', `<annotation>${'<a>'.repeat(300)}${'</a>'.repeat(300)}</annotation>`, false],
    // Malformed: only fast-xml-parser reports it, with its line.
    ['a mismatched end tag', '<annotation>\n<size>\n<width>5</width>\n</annotation>\n', false],
    ['an unclosed root', '<annotation><a>1</a>', false],
    ['an unclosed tag', '<annotation><a>1</annotation>', false],
    ['two roots', '<annotation></annotation><annotation></annotation>', false],
    ['text after the root', '<annotation><a>1</a></annotation>x', false],
    ['text before the root', 'x<annotation><a>1</a></annotation>', false],
    ['an empty document', '', false],
    ['a name starting with a digit', '<annotation><1a>1</1a></annotation>', false],
    ['a stray "<"', '<annotation><a>1 < 2</a></annotation>', false],
  ])('%s', (_case, xml, accepted) => {
    expect(expectSameAsLibrary(xml)).toBe(accepted);
  });

  it('reads random trees of repeated names, whitespace and text as fast-xml-parser does', () => {
    const random = new Random(12);
    const pick = <T>(items: readonly T[]): T => items[random.int(items.length)];
    const names = ['object', 'part', 'name', 'bndbox', 'a', 'b_1', 'x.y', 'z-2'];
    const spaces = ['', ' ', '\n', '\t', '\r\n', '\n\t\t'];
    const texts = ['', ' ', '1', ' 2.5 ', 'Left', '\u00a0x\u00a0', 'a > b', '\r\n7\r\n', 'ü', '\u2028y'];
    const element = (name: string, depth: number): string => {
      if (depth > 3 || random.next() < 0.4) return `<${name}>${pick(texts)}</${name}>`;
      const children = Array.from({ length: random.int(5) }, () => pick(spaces) + element(pick(names), depth + 1));
      return `<${name}>${children.join('')}${pick(spaces)}</${name}>`;
    };
    let accepted = 0;
    for (let i = 0; i < 500; i++) if (expectSameAsLibrary(pick(spaces) + element('annotation', 0) + pick(spaces))) accepted++;
    expect(accepted).toBe(500);
  });

  it('accepts a mutated annotation only when it reads it as fast-xml-parser does', () => {
    // Random edits with XML's significant characters: whatever the fast path accepts must
    // be what fast-xml-parser builds; the rest it must refuse.
    const base = readFileSync(goldenFiles[0], 'utf8');
    const alphabet = ['<', '>', '/', '&', ' ', '\t', '\n', '\r', '!', '?', '"', '=', 'a', '1', '.', '-', '\u00a0', '\u2003', '<a>', '</a>', '<object>', '</object>', '<a></a>', '<b>x</b>'];
    const random = new Random(2007);
    let accepted = 0;
    for (let i = 0; i < 3000; i++) {
      let xml = base;
      for (let edits = 1 + random.int(2); edits > 0; edits--) {
        const at = random.int(xml.length + 1);
        const kind = random.int(3);
        const insert = kind === 1 ? '' : alphabet[random.int(alphabet.length)];
        const remove = kind === 0 ? 0 : 1 + random.int(4);
        xml = xml.slice(0, at) + insert + xml.slice(at + remove);
      }
      if (expectSameAsLibrary(xml)) accepted++;
    }
    // Both kinds occur: the test would prove nothing if every mutant fell back.
    expect(accepted).toBeGreaterThan(200);
    expect(accepted).toBeLessThan(2800);
  });
});
