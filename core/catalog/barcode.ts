// Check digits of the GS1 codes a scanner reads (EAN-8, UPC-E, UPC-A, EAN-13, GTIN-14). A code
// of only digits and one of these lengths is taken for one of them, whatever the shop meant:
// a scanner would read it so, and a wrong last digit is a typing error that would otherwise sit
// in the catalog until the counter fails to find the product. An internal code uses letters or
// another length and is not checked.

/** Lengths of the digit-only codes checked, and what each is called. */
const formats: Readonly<Record<number, string>> = {
  8: 'EAN-8',
  12: 'UPC-A',
  13: 'EAN-13',
  14: 'GTIN-14',
};

/** The GS1 check digit for a code's leading digits (all of it but the check digit). */
export function gs1CheckDigit(body: string): number {
  let sum = 0;
  // From the right: weights 3, 1, 3, 1, … whatever the length.
  for (let i = 0; i < body.length; i++) {
    const digit = body.charCodeAt(body.length - 1 - i) - 48;
    sum += i % 2 === 0 ? digit * 3 : digit;
  }
  return (10 - (sum % 10)) % 10;
}

/** A UPC-E code's UPC-A body (11 digits), from its number system and six digits. */
export function expandUpcE(code: string): string {
  const [n, d1, d2, d3, d4, d5, d6] = code;
  const head = `${n}${d1}${d2}`;
  switch (d6) {
    case '0':
    case '1':
    case '2':
      return `${head}${d6}0000${d3}${d4}${d5}`;
    case '3':
      return `${head}${d3}00000${d4}${d5}`;
    case '4':
      return `${head}${d3}${d4}00000${d5}`;
    default:
      return `${head}${d3}${d4}${d5}0000${d6}`;
  }
}

export interface CheckDigitProblem {
  format: string;
  expected: number;
  found: number;
}

/**
 * What is wrong with a barcode's check digit, or null when it is right or the code is not a
 * GS1 code. Eight digits starting 0 or 1 may be UPC-E as well as EAN-8: right for either passes.
 */
export function checkDigitProblem(code: string): CheckDigitProblem | null {
  const format = /^\d+$/.test(code) ? formats[code.length] : undefined;
  if (!format) return null;
  const found = Number(code.at(-1));
  const expected = gs1CheckDigit(code.slice(0, -1));
  if (found === expected) return null;
  if (code.length === 8 && (code[0] === '0' || code[0] === '1'))
    if (gs1CheckDigit(expandUpcE(code)) === found) return null;
  return { format, expected, found };
}

/** The message for a wrong check digit: the field, what the digit should be, and what to do. */
export const checkDigitMessage = (code: string, p: CheckDigitProblem): string =>
  `${code} is not a valid ${p.format} barcode: its last digit (the check digit) should be ${p.expected}, not ${p.found}. ` +
  `Scan the code again or check it for a typing error; a code of 8, 12, 13 or 14 digits only is read as an EAN/UPC code, ` +
  `so an internal code needs a letter or another length`;
