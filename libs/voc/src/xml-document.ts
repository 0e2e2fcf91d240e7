import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { parseSimpleXml, type XmlElement } from './simple-xml.ts';
import type { VocProblem } from './types.ts';

export type { XmlElement, XmlValue } from './simple-xml.ts';

/**
 * An annotation file as a plain object tree. The plain files VOC writes go through
 * simple-xml.ts; anything else (attributes, entities, comments, a declaration, malformed XML)
 * through fast-xml-parser, which validates it and names the line of a problem. Both build the
 * same object for a file in simple-xml's subset (xml-document.test.ts).
 *
 * Entities: the parser never expands DOCTYPE entities (processEntities: false), so a file
 * cannot grow itself by entity expansion; the caller decodes only XML's five predefined
 * entities and numeric character references, which cannot expand into markup.
 */

/** `<object>` under the root is always a list, even when there is one. */
const ALWAYS_ARRAY: ReadonlySet<string> = new Set(['annotation.object']);

const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false, // keep "000005" and "1.50" as written; the caller converts and checks
  processEntities: false,
  jPath: true,
  isArray: (_tagName, jPath) => ALWAYS_ARRAY.has(jPath as string),
});

export type XmlDocumentResult = { document: XmlElement; problem?: undefined } | { document?: undefined; problem: VocProblem };

/** fast-xml-parser: validation (for the line of a problem), then parsing. */
export function parseXmlWithLibrary(text: string, file: string): XmlDocumentResult {
  const validation = XMLValidator.validate(text);
  if (validation !== true) {
    const { line, msg } = validation.err;
    return { problem: { file, line, problem: `malformed XML: ${msg}` } };
  }
  try {
    return { document: parser.parse(text) as XmlElement };
  } catch (error) {
    // The parser refuses what the validator lets through (external entities, very deep
    // nesting) with a bare message; without the file name the user cannot find the file.
    return { problem: { file, problem: `cannot read the XML: ${(error as Error).message}` } };
  }
}

/** The document of `text` (no byte-order mark), or the problem that makes it unreadable. */
export function parseXmlDocument(text: string, file: string): XmlDocumentResult {
  const document = parseSimpleXml(text, ALWAYS_ARRAY);
  return document !== undefined ? { document } : parseXmlWithLibrary(text, file);
}
