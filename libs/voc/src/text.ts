import { readFileSync } from 'node:fs';

/**
 * Drops a leading UTF-8 byte-order mark. Windows editors write one; left in, it becomes part
 * of the first image id or field, which then fails with a message that shows nothing wrong
 * (`image "000001" is not in the test split`, the BOM invisible).
 */
export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** A UTF-8 text file without its byte-order mark. */
export function readTextFile(file: string): string {
  return stripBom(readFileSync(file, 'utf8'));
}
