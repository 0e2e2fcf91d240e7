import { Buffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { Random } from '@mgta/core';
import { scanDecimal } from './decimal.ts';

/** scanDecimal of `text` (ASCII in these tests), within a line so that it must stop at the end given. */
const scan = (text: string) => scanDecimal(Buffer.from(` ${text} 7`, 'latin1'), 1, text.length + 1);

/** scanDecimal must give Number()'s double (same bits, -0 included) or NaN; never another value. */
function expectExact(text: string): boolean {
  const scanned = scan(text);
  if (Number.isNaN(scanned)) return false;
  expect(Object.is(scanned, Number(text)), `${text}: ${scanned} vs ${Number(text)}`).toBe(true);
  return true;
}

describe('scanDecimal', () => {
  it('reads plain decimals exactly, signs and -0 included', () => {
    for (const text of ['0', '-0', '+0', '-0.0', '1', '42', '0.5', '.5', '5.', '-.25', '+3.75', '100.0', '0.001', '0.1', '0.2', '0.3', '123.4', '499.9', '0.999', '1.000']) {
      expect(expectExact(text), text).toBe(true);
    }
  });

  it('reads the hardest cases of the fast path exactly: 15 significant digits, 22 decimals', () => {
    for (const text of ['999999999999999', '0.999999999999999', '9007199254.74099', '0.0000000000000000000001', '1234567.00000000', '0.000000000000000000000', '-98765432109876.5']) {
      expect(expectExact(text), text).toBe(true);
    }
  });

  it('leaves to Number() what is outside the fast path or not a plain decimal', () => {
    for (const text of ['1e3', '1E-3', '0x10', 'NaN', 'Infinity', '-', '+', '.', '', '1.2.3', '1,5', '--1', '1 ', '\u00bd', '9999999999999999', '0.00000000000000000000001', '1234567.000000000000000', '1_000']) {
      expect(Number.isNaN(scan(text)), text).toBe(true);
    }
  });

  it("gives Number()'s double for 300,000 random decimals of every length and precision", () => {
    const random = new Random(4);
    const digits = (count: number) => Array.from({ length: count }, () => random.int(10)).join('');
    let fast = 0;
    const wrong: string[] = [];
    for (let i = 0; i < 300_000; i++) {
      const sign = ['', '-', '+'][random.int(3)];
      const whole = random.next() < 0.1 ? '' : digits(random.int(12));
      const fraction = random.next() < 0.3 ? '' : '.' + digits(random.int(18));
      const text = sign + whole + fraction;
      const scanned = scan(text);
      if (Number.isNaN(scanned)) continue;
      fast++;
      if (!Object.is(scanned, Number(text))) wrong.push(text);
    }
    expect(wrong).toEqual([]);
    expect(fast).toBeGreaterThan(150_000);
  });

  it('reads the numbers Detectron writes (%.3f scores, %.1f boxes) exactly, all of them on the fast path', () => {
    for (let k = 0; k <= 1000; k++) expect(expectExact((k / 1000).toFixed(3))).toBe(true);
    for (let k = -100; k <= 20000; k++) expect(expectExact((k / 10).toFixed(1))).toBe(true);
  });
});
