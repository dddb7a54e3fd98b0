import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkDigitProblem, expandUpcE, gs1CheckDigit } from './barcode';

const digits = (length: number) =>
  fc
    .array(fc.integer({ min: 0, max: 9 }), { minLength: length, maxLength: length })
    .map((d) => d.join(''));

/** A GS1 body of a length the rule checks, with its format's name. */
const body = fc
  .constantFrom(
    [7, 'EAN-8'] as const,
    [11, 'UPC-A'] as const,
    [12, 'EAN-13'] as const,
    [13, 'GTIN-14'] as const,
  )
  .chain(([length, format]) => digits(length).map((b) => ({ body: b, format })));

/** The weighted sum the standard defines, written out from the left as GS1's tables do. */
function checkDigitFromTheLeft(b: string): number {
  const odd = (b.length + 1) % 2; // positions weighted 3 are those of the same parity as the last
  const sum = [...b].reduce((s, d, i) => s + Number(d) * (i % 2 === odd ? 3 : 1), 0);
  return (10 - (sum % 10)) % 10;
}

describe('GS1 check digits', () => {
  it('match codes printed on real products', () => {
    for (const code of [
      '4006381333931',
      '5901234123457',
      '96385074',
      '036000291452',
      '10614141000415',
    ])
      expect(checkDigitProblem(code), code).toBeNull();
    // UPC-E 04252614 is UPC-A 042100005264 printed short.
    expect(expandUpcE('04252614')).toBe('04210000526');
    expect(checkDigitProblem('04252614')).toBeNull();
  });

  it('accept every code whose last digit is the check digit of the rest', () => {
    fc.assert(
      fc.property(body, ({ body: b }) => {
        const check = gs1CheckDigit(b);
        expect(check).toBe(checkDigitFromTheLeft(b));
        expect(checkDigitProblem(`${b}${check}`)).toBeNull();
      }),
    );
  });

  it('refuse any other last digit, naming the format and the digit expected', () => {
    fc.assert(
      fc.property(body, fc.integer({ min: 1, max: 9 }), ({ body: b, format }, off) => {
        const expected = gs1CheckDigit(b);
        const found = (expected + off) % 10;
        const code = `${b}${found}`;
        // An 8-digit code may be right as UPC-E instead; that is a valid code too.
        if (code.length === 8 && /^[01]/.test(code) && gs1CheckDigit(expandUpcE(code)) === found)
          return;
        expect(checkDigitProblem(code)).toEqual({ format, expected, found });
      }),
    );
  });

  it('catch every single mistyped digit', () => {
    fc.assert(
      fc.property(body, fc.nat(), fc.integer({ min: 1, max: 9 }), ({ body: b }, at, off) => {
        const code = `${b}${gs1CheckDigit(b)}`;
        const i = at % (code.length - 1); // a digit of the body; the check digit is the case above
        const typo = `${code.slice(0, i)}${(Number(code[i]) + off) % 10}${code.slice(i + 1)}`;
        if (code.length === 8 && /^[01]/.test(typo)) return; // may read as UPC-E
        expect(checkDigitProblem(typo)).not.toBeNull();
      }),
    );
  });

  it('leave internal codes alone: letters, dashes or another length', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc
            .integer({ min: 4, max: 64 })
            .filter((n) => ![8, 12, 13, 14].includes(n))
            .chain(digits),
          fc.stringMatching(/^[0-9]{3,12}[A-Z-][0-9A-Z-]{0,10}$/),
        ),
        (code) => {
          expect(checkDigitProblem(code)).toBeNull();
        },
      ),
    );
  });
});
