/**
 * Decimal text of timestamps exactly as the two reference vPDQ tools print them, so that Prevail's
 * output is byte-identical to theirs: Python's `f"{ts:.3}"` (python-threatexchange) and C's
 * `printf("%.3f")` (the C++ tools). Both round the exact binary value half-to-even, which
 * JavaScript's `toPrecision` and `toFixed` do not (they round ties up: `(1.125).toPrecision(3)` is
 * `1.13`, Python prints `1.12`), so the digits are computed here from the exact value.
 */

/** A positive number as `0.DIGITS × 10^point`; `digits` has no leading or trailing zeros. */
interface Decimal {
  readonly digits: string;
  readonly point: number;
}

/** The exact decimal expansion of a positive finite double (every double has a finite one). */
function exactDecimal(value: number): Decimal {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, value);
  const high = view.getUint32(0);
  const exponentBits = (high >>> 20) & 0x7ff;
  let mantissa = (BigInt(high & 0xfffff) << 32n) | BigInt(view.getUint32(4));
  let exponent = -1074;
  if (exponentBits !== 0) {
    mantissa |= 1n << 52n;
    exponent = exponentBits - 1075;
  }
  // value = mantissa × 2^exponent = mantissa × 5^−exponent × 10^exponent when exponent < 0.
  const text =
    exponent >= 0 ? (mantissa << BigInt(exponent)).toString() : (mantissa * 5n ** BigInt(-exponent)).toString();
  const point = exponent >= 0 ? text.length : text.length + exponent;
  return { digits: text.replace(/0+$/, ''), point };
}

/** Rounds to `keep` significant digits (may be ≤ 0), ties to even; the result may be empty (zero). */
function roundHalfEven(decimal: Decimal, keep: number): Decimal {
  const { digits, point } = decimal;
  if (digits.length <= keep) return decimal;
  if (keep < 0) return { digits: '', point };
  const head = digits.slice(0, keep);
  const first = digits.charCodeAt(keep) - 48;
  const tail = digits.slice(keep + 1);
  const lastHeadDigit = keep === 0 ? 0 : head.charCodeAt(keep - 1) - 48;
  const roundUp = first > 5 || (first === 5 && (/[1-9]/.test(tail) || lastHeadDigit % 2 === 1));
  if (!roundUp) return { digits: head.replace(/0+$/, ''), point };
  const raised = (BigInt(head === '' ? '0' : head) + 1n).toString();
  const carried = raised.length > keep;
  return {
    digits: (carried ? raised.slice(0, -1) : raised).replace(/0+$/, '') || '1',
    point: carried ? point + 1 : point,
  };
}

function checkedNonNegative(value: number): void {
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`a timestamp is a finite number ≥ 0; got ${value}`);
}

/**
 * Python's `format(value, '.3')` (also `f"{value:.3}"`): 3 significant digits, trailing zeros
 * dropped, at least one digit after the point in fixed notation, and exponent notation when the
 * decimal exponent is below −4 or at least 2 (Python's `'g'` rule with `Py_DTSF_ADD_DOT_0`).
 *
 * @example pythonShortFloat(12.345) === '12.3'; pythonShortFloat(100.5) === '1e+02'; pythonShortFloat(5) === '5.0'
 */
export function pythonShortFloat(value: number, precision = 3): string {
  checkedNonNegative(value);
  if (value === 0) return '0.0';
  const { digits, point } = roundHalfEven(exactDecimal(value), precision);
  if (point <= -4 || point > precision - 1) {
    const exponent = point - 1;
    const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${mantissa}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  if (point <= 0) return `0.${'0'.repeat(-point)}${digits}`;
  if (digits.length <= point) return `${digits}${'0'.repeat(point - digits.length)}.0`;
  return `${digits.slice(0, point)}.${digits.slice(point)}`;
}

/**
 * C's `printf("%.{decimals}f", value)` as glibc prints it (exact value, ties to even).
 *
 * @example fixedDecimals(0.0625) === '0.062'; fixedDecimals(18.766666) === '18.767'
 */
export function fixedDecimals(value: number, decimals = 3): string {
  checkedNonNegative(value);
  if (value === 0) return `0.${'0'.repeat(decimals)}`;
  const exact = exactDecimal(value);
  const { digits, point } = roundHalfEven(exact, exact.point + decimals);
  // All digits as an integer count of 10^−decimals units, then the point put back.
  const units = digits === '' ? '0' : digits + '0'.repeat(Math.max(0, point + decimals - digits.length));
  const padded = units.padStart(decimals + 1, '0');
  return `${padded.slice(0, -decimals)}.${padded.slice(-decimals)}`;
}
