import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { InputError } from '@mgta/core';
import { vocPaths } from './layout.ts';
import { stripBom } from './text.ts';
import type { BoundingBox, VocAnnotation, VocObject, VocProblem } from './types.ts';
import { parseXmlDocument, type XmlElement, type XmlValue } from './xml-document.ts';

/**
 * Reads one Annotations/<id>.xml. Every problem is collected (check-voc lists them all);
 * parseAnnotationXml throws the first.
 *
 * Entities: the XML is read without expanding DOCTYPE entities (xml-document.ts); we decode
 * only XML's five predefined entities and numeric character references ourselves, which
 * cannot expand into markup.
 *
 * Defaults where an element is absent, as the devkit's VOCreadxml/PASreadrecord treat them:
 * truncated and difficult 0, pose "Unspecified". Also: depth 3, filename "<id>.jpg".
 *
 * Boxes: VOC coordinates are 1-based pixel indices within [1, width] x [1, height]. Some
 * converted datasets write 0-based boxes, so we accept 0 and report only coordinates below 0
 * or beyond the image's width/height. Coordinates may be fractional; they stay numbers.
 *
 * Field names in messages count objects from 1, as a reader counts <object> elements.
 */

const PREDEFINED_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decodeText(text: string): string {
  if (!text.includes('&')) return text; // nearly always: skip the regex
  return text.replace(/&(lt|gt|amp|quot|apos|#\d+|#x[0-9a-fA-F]+);/g, (whole, name: string) => {
    if (name.startsWith('#x')) return String.fromCodePoint(parseInt(name.slice(2), 16));
    if (name.startsWith('#')) return String.fromCodePoint(parseInt(name.slice(1), 10));
    return PREDEFINED_ENTITIES[name] ?? whole;
  });
}

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** Reads fields of one element, recording a problem (and returning undefined) when one is bad. */
class FieldReader {
  constructor(
    private readonly file: string,
    readonly problems: VocProblem[],
  ) {}

  report(field: string, problem: string): undefined {
    this.problems.push({ file: this.file, field, problem });
    return undefined;
  }

  /** The element, or undefined (with a problem when `required`). */
  element(parent: XmlElement, name: string, field: string, required: boolean): XmlElement | undefined {
    const value = parent[name];
    if (value === undefined) return required ? this.report(field, `missing <${name}>`) : undefined;
    if (Array.isArray(value)) return this.report(field, `<${name}> appears ${value.length} times, expected once`);
    if (typeof value !== 'object') return this.report(field, `<${name}> must contain elements, found text`);
    return value;
  }

  text(parent: XmlElement, name: string, field: string, required: boolean): string | undefined {
    const value = parent[name];
    if (value === undefined) return required ? this.report(field, `missing <${name}>`) : undefined;
    if (Array.isArray(value)) return this.report(field, `<${name}> appears ${value.length} times, expected once`);
    if (typeof value !== 'string') return this.report(field, `<${name}> must hold text, found elements`);
    return decodeText(value.trim());
  }

  number(parent: XmlElement, name: string, field: string): number | undefined {
    const text = this.text(parent, name, field, true);
    if (text === undefined) return undefined;
    if (!NUMBER.test(text)) return this.report(field, `${JSON.stringify(text)} is not a number`);
    return Number(text);
  }

  positiveInteger(parent: XmlElement, name: string, field: string): number | undefined {
    const value = this.number(parent, name, field);
    if (value === undefined) return undefined;
    if (!Number.isInteger(value) || value <= 0) return this.report(field, `${value} is not a positive integer`);
    return value;
  }

  /** A 0/1 flag; absent → `fallback`. */
  flag(parent: XmlElement, name: string, field: string, fallback: boolean): boolean | undefined {
    const text = this.text(parent, name, field, false);
    if (text === undefined) return fallback;
    if (text === '0') return false;
    if (text === '1') return true;
    return this.report(field, `${JSON.stringify(text)} must be 0 or 1`);
  }
}

function readBox(
  fields: FieldReader,
  object: XmlElement,
  prefix: string,
  size: { width: number; height: number } | undefined,
): BoundingBox | undefined {
  const bndbox = fields.element(object, 'bndbox', `${prefix}.bndbox`, true);
  if (bndbox === undefined) return undefined;
  const coordinate = (name: keyof BoundingBox) => fields.number(bndbox, name, `${prefix}.bndbox.${name}`);
  const [xmin, ymin, xmax, ymax] = [coordinate('xmin'), coordinate('ymin'), coordinate('xmax'), coordinate('ymax')];
  if (xmin === undefined || ymin === undefined || xmax === undefined || ymax === undefined) return undefined;
  const box = { xmin, ymin, xmax, ymax };
  const before = fields.problems.length;
  if (xmin > xmax) fields.report(`${prefix}.bndbox`, `inverted box: xmin ${xmin} > xmax ${xmax}`);
  if (ymin > ymax) fields.report(`${prefix}.bndbox`, `inverted box: ymin ${ymin} > ymax ${ymax}`);
  if (xmin < 0) fields.report(`${prefix}.bndbox.xmin`, `${xmin} is outside the image (below 0)`);
  if (ymin < 0) fields.report(`${prefix}.bndbox.ymin`, `${ymin} is outside the image (below 0)`);
  if (size !== undefined && xmax > size.width) {
    fields.report(`${prefix}.bndbox.xmax`, `${xmax} is outside the image (width ${size.width})`);
  }
  if (size !== undefined && ymax > size.height) {
    fields.report(`${prefix}.bndbox.ymax`, `${ymax} is outside the image (height ${size.height})`);
  }
  return fields.problems.length === before ? box : undefined;
}

function readObject(
  fields: FieldReader,
  object: XmlValue,
  prefix: string,
  size: { width: number; height: number } | undefined,
  classes: ReadonlySet<string> | undefined,
): VocObject | undefined {
  if (typeof object !== 'object' || Array.isArray(object)) {
    return fields.report(prefix, '<object> must contain elements');
  }
  let name = fields.text(object, 'name', `${prefix}.name`, true);
  if (name === '') name = fields.report(`${prefix}.name`, 'empty class name');
  if (name !== undefined && classes !== undefined && !classes.has(name)) {
    name = fields.report(`${prefix}.name`, `unknown class "${name}" (not in the class list)`);
  }
  const pose = fields.text(object, 'pose', `${prefix}.pose`, false) ?? 'Unspecified';
  const truncated = fields.flag(object, 'truncated', `${prefix}.truncated`, false);
  const difficult = fields.flag(object, 'difficult', `${prefix}.difficult`, false);
  const bbox = readBox(fields, object, prefix, size);
  if (name === undefined || truncated === undefined || difficult === undefined || bbox === undefined) return undefined;
  return { name, bbox, difficult, truncated, pose };
}

/** Parses one annotation, collecting every problem; `annotation` is set only when there are none. */
export function collectAnnotationProblems(
  xml: string,
  file: string,
  options: { classes?: readonly string[] } = {},
): { annotation?: VocAnnotation; problems: VocProblem[] } {
  const { document, problem } = parseXmlDocument(stripBom(xml), file);
  if (problem !== undefined) return { problems: [problem] };
  const fields = new FieldReader(file, []);
  const root = fields.element(document, 'annotation', 'annotation', true);
  if (root === undefined) return { problems: fields.problems };

  const id = basename(file).replace(/\.xml$/i, '');
  const filename = fields.text(root, 'filename', 'filename', false) ?? `${id}.jpg`;
  const sizeElement = fields.element(root, 'size', 'size', true);
  const width = sizeElement && fields.positiveInteger(sizeElement, 'width', 'size.width');
  const height = sizeElement && fields.positiveInteger(sizeElement, 'height', 'size.height');
  const depth = sizeElement && (sizeElement.depth === undefined ? 3 : fields.positiveInteger(sizeElement, 'depth', 'size.depth'));
  const segmented = root.segmented === undefined ? undefined : fields.flag(root, 'segmented', 'segmented', false);

  const classes = options.classes === undefined ? undefined : new Set(options.classes);
  const imageSize = width !== undefined && height !== undefined ? { width, height } : undefined;
  const rawObjects = (root.object ?? []) as XmlValue[];
  const objects = rawObjects.map((object, index) => readObject(fields, object, `object[${index + 1}]`, imageSize, classes));

  if (fields.problems.length > 0 || imageSize === undefined || depth === undefined) return { problems: fields.problems };
  const annotation: VocAnnotation = { id, filename, size: { ...imageSize, depth }, objects: objects as VocObject[] };
  if (segmented !== undefined) annotation.segmented = segmented;
  return { annotation, problems: [] };
}

/** Parses one Annotations XML; the first problem becomes an InputError naming the file and field or line. */
export function parseAnnotationXml(xml: string, file: string, options: { classes?: readonly string[] } = {}): VocAnnotation {
  const { annotation, problems } = collectAnnotationProblems(xml, file, options);
  const first = problems[0];
  if (first !== undefined) throw new InputError(first.file, first.problem, { line: first.line, field: first.field });
  return annotation!;
}

export function readAnnotation(yearDir: string, id: string, options: { classes?: readonly string[] } = {}): VocAnnotation {
  const file = vocPaths.annotation(yearDir, id);
  let xml: string;
  try {
    // Read, and name a missing file from the error: an existsSync first would cost a
    // syscall per file (4,952 in a VOC07 test set).
    xml = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new InputError(file, `annotation of image "${id}" does not exist`);
    throw error;
  }
  return parseAnnotationXml(xml, file, options);
}
