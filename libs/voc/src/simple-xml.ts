/**
 * A reader for the plain subset of XML that VOC annotations are written in, about 10 times
 * faster than validating and parsing with fast-xml-parser (5 times in a fresh process), which
 * took most of `mgta eval-det` on a VOC07-sized test set (4,952 files). It returns exactly the
 * object fast-xml-parser builds with the options of xml-document.ts, or `undefined` for
 * anything outside the subset, and the caller then uses fast-xml-parser: so the result never
 * depends on which path ran (xml-document.test.ts checks both on every annotation of the
 * golden fixtures and of Fashion-VOC, on random trees and on mutated files).
 *
 * The subset, all of it well-formed XML:
 *   - optional leading and trailing whitespace (space, tab, CR, LF) around one root element;
 *   - start tags `<name>` and end tags `</name>` only: no attributes, no space inside the
 *     brackets, no self-closing tags, no declaration, comment, CDATA, DOCTYPE or processing
 *     instruction; names of ASCII letters, digits, `_`, `.`, `-` (not starting with a digit,
 *     `.` or `-`), and none of Object.prototype's names (`__proto__`, `constructor`,
 *     `toString`, ...) nor `prototype`, which fast-xml-parser refuses or renames;
 *   - an element holds either text or child elements with only whitespace between them, never
 *     both (mixed content);
 *   - no `&` anywhere (entities are left to fast-xml-parser and the caller's decoding), and no
 *     CR inside a text value (fast-xml-parser turns CR and CRLF into LF first);
 *   - at most MAX_DEPTH levels of nesting (VOC has 4: annotation, object, part, bndbox).
 *
 * The object built, as fast-xml-parser's does (ignoreAttributes, parseTagValue false,
 * trimValues): a text element becomes its text trimmed with String.prototype.trim (the empty
 * string when empty); an element with children becomes an object with a property per child
 * name, in order of first appearance; a name that repeats becomes an array in document order,
 * as does a name whose path (`parent.child`, from the root) is in `alwaysArray`.
 */

export type XmlValue = string | XmlElement | XmlValue[];
export interface XmlElement {
  [child: string]: XmlValue;
}

const MAX_DEPTH = 32;

const LT = 60, GT = 62, SLASH = 47, CR = 13, LF = 10, SPACE = 32, TAB = 9;
const UNDERSCORE = 95, DOT = 46, DASH = 45;

const isLetter = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
const isDigit = (c: number) => c >= 48 && c <= 57;
/** Whitespace both to the XML validator and to String.prototype.trim. */
const isSpace = (c: number) => c === SPACE || c === TAB || c === LF || c === CR;

/** Thrown (and caught in parseSimpleXml) when the text leaves the subset. */
class OutsideSubset {}
const OUTSIDE = new OutsideSubset();

/** Depth of the deepest path of each `alwaysArray` set (computed once per set, not per file). */
const pathDepths = new WeakMap<ReadonlySet<string>, number>();

function deepestPath(alwaysArray: ReadonlySet<string>): number {
  let depth = pathDepths.get(alwaysArray);
  if (depth === undefined) {
    depth = Math.max(0, ...[...alwaysArray].map((path) => path.split('.').length));
    pathDepths.set(alwaysArray, depth);
  }
  return depth;
}

class Reader {
  at = 0;
  /** Below this depth no path is in alwaysArray, so none is built (a string per element). */
  private readonly pathDepth: number;

  constructor(
    private readonly text: string,
    private readonly alwaysArray: ReadonlySet<string>,
  ) {
    this.pathDepth = deepestPath(alwaysArray);
  }

  skipSpace(): void {
    while (this.at < this.text.length && isSpace(this.text.charCodeAt(this.at))) this.at++;
  }

  /** The name of the start tag at `at` (just after its `<`), leaving `at` after its `>`. */
  startTagName(): string {
    const { text } = this;
    const start = this.at;
    const first = text.charCodeAt(start);
    if (!(isLetter(first) || first === UNDERSCORE)) throw OUTSIDE;
    let k = start + 1;
    for (let c = text.charCodeAt(k); isLetter(c) || isDigit(c) || c === UNDERSCORE || c === DOT || c === DASH; c = text.charCodeAt(++k));
    if (text.charCodeAt(k) !== GT) throw OUTSIDE;
    const name = text.slice(start, k);
    // fast-xml-parser refuses or renames names that could reach a prototype (its sanitizeName).
    if (name in Object.prototype || name === 'prototype') throw OUTSIDE;
    this.at = k + 1;
    return name;
  }

  /** The content of the element `name` whose start tag ends at `at`, leaving `at` after its end tag. */
  element(name: string, path: string, depth: number): XmlValue {
    if (depth > MAX_DEPTH) throw OUTSIDE;
    const { text } = this;
    const contentStart = this.at;
    let children: XmlElement | undefined;
    for (;;) {
      const lt = text.indexOf('<', this.at);
      if (lt === -1) throw OUTSIDE;
      if (children !== undefined) this.onlySpaceUntil(lt);
      if (text.charCodeAt(lt + 1) === SLASH) {
        // `</name>`, exactly.
        const end = lt + 2 + name.length;
        if (!text.startsWith(name, lt + 2) || text.charCodeAt(end) !== GT) throw OUTSIDE;
        this.at = end + 1;
        if (children !== undefined) return children;
        const value = text.slice(contentStart, lt).trim();
        if (value.includes('\r')) throw OUTSIDE;
        return value;
      }
      if (children === undefined) {
        this.at = contentStart;
        this.onlySpaceUntil(lt);
        children = {};
      }
      this.at = lt + 1;
      const childName = this.startTagName();
      const childPath = depth < this.pathDepth ? `${path}.${childName}` : '';
      add(children, childName, this.element(childName, childPath, depth + 1), depth < this.pathDepth && this.alwaysArray.has(childPath));
    }
  }

  /** Moves `at` to `end`, which must be reached over whitespace only (no mixed content). */
  private onlySpaceUntil(end: number): void {
    for (let k = this.at; k < end; k++) if (!isSpace(this.text.charCodeAt(k))) throw OUTSIDE;
    this.at = end;
  }
}

/** fast-xml-parser's rule (node2json.js): a repeated name, or one listed as always an array, holds an array. */
function add(parent: XmlElement, name: string, value: XmlValue, alwaysArray: boolean): void {
  const existing = Object.prototype.hasOwnProperty.call(parent, name) ? parent[name] : undefined;
  if (existing === undefined) parent[name] = alwaysArray ? [value] : value;
  else if (Array.isArray(existing)) existing.push(value);
  else parent[name] = [existing, value];
}

/**
 * The document as fast-xml-parser would build it (`{ [rootName]: content }`), or undefined
 * when `text` is outside the subset described above. `text` has no byte-order mark.
 */
export function parseSimpleXml(text: string, alwaysArray: ReadonlySet<string> = new Set()): XmlElement | undefined {
  if (text.includes('&')) return undefined;
  const reader = new Reader(text, alwaysArray);
  try {
    reader.skipSpace();
    if (text.charCodeAt(reader.at) !== LT) return undefined;
    reader.at++;
    const name = reader.startTagName();
    const document: XmlElement = {};
    add(document, name, reader.element(name, name, 1), alwaysArray.has(name));
    reader.skipSpace();
    return reader.at === text.length ? document : undefined;
  } catch (error) {
    if (error === OUTSIDE) return undefined;
    throw error;
  }
}
