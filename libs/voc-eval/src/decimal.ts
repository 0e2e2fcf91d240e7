/**
 * A plain decimal number (`[+-]digits[.digits]`, no exponent) read straight from a file's
 * bytes, without a string per field: a VOC07 detection submission has 2.5 million of them.
 *
 * Exact: the result is the double Number() gives, or NaN when the field is outside the fast
 * case (then the caller uses Number()). The fast case is Clinger's (W. D. Clinger, "How to
 * read floating point numbers accurately", PLDI 1990): when the digits, read as an integer M,
 * are at most 2^53 and the number is M / 10^k with 10^k itself exact (k <= 22, since
 * 5^22 < 2^53), M and 10^k are both exact doubles and IEEE division rounds their quotient
 * correctly, which is the correctly rounded value of the decimal that Number() returns
 * (ECMA-262, StringToNumber). We stop at 15 significant digits (10^15 < 2^53) so that M never
 * leaves the exact range while it is accumulated. Detectron writes `{:.3f}` scores and `{:.1f}`
 * boxes (detectron/datasets/voc_dataset_evaluator.py, _write_voc_results_files), far inside it.
 */

const MAX_SIGNIFICANT_DIGITS = 15;
const MAX_FRACTION_DIGITS = 22;
/** 10^0 .. 10^22, each exactly representable (the literal is exact, so no rounding on parse). */
const POWERS_OF_TEN = Array.from({ length: MAX_FRACTION_DIGITS + 1 }, (_, k) => Number(`1e${k}`));

const ZERO = 48, NINE = 57, DOT = 46, PLUS = 43, MINUS = 45;

/** The value of the ASCII bytes `[start, end)` if they are a plain decimal inside the exact fast case, else NaN. */
export function scanDecimal(bytes: Uint8Array, start: number, end: number): number {
  let k = start;
  let negative = false;
  const first = bytes[k];
  if (first === MINUS) {
    negative = true;
    k++;
  } else if (first === PLUS) {
    k++;
  }
  let mantissa = 0;
  let significant = 0;
  let fractionDigits = 0;
  let digits = 0;
  let dot = false;
  for (; k < end; k++) {
    const c = bytes[k];
    if (c >= ZERO && c <= NINE) {
      digits++;
      if (dot) fractionDigits++;
      // Leading zeros are not significant: "0.000123" is M = 123, k = 6.
      if (mantissa !== 0 || c !== ZERO) {
        if (++significant > MAX_SIGNIFICANT_DIGITS) return NaN;
        mantissa = mantissa * 10 + (c - ZERO);
      }
    } else if (c === DOT && !dot) {
      dot = true;
    } else {
      return NaN;
    }
  }
  if (digits === 0 || fractionDigits > MAX_FRACTION_DIGITS) return NaN;
  const value = fractionDigits === 0 ? mantissa : mantissa / POWERS_OF_TEN[fractionDigits];
  return negative ? -value : value; // "-0" is -0, as Number("-0")
}
