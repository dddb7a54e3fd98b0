// A purchase order is in its supplier's currency; the company keeps its costs in its own. The
// order carries the rate used (company units per supplier unit, a decimal as text), and every
// conversion is exact integer arithmetic rounded half up once (decision 0032).

/** The minor units of an ISO 4217 currency (2 for ETB and USD, 3 for KWD, 0 for JPY). */
export function minorUnitsOf(code: string): number {
  try {
    const options = new Intl.NumberFormat('en', { style: 'currency', currency: code });
    return options.resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/** Whether `code` is a currency code Intl knows (three letters it can format). */
export function isCurrencyCode(code: string): boolean {
  if (!/^[A-Z]{3}$/.test(code)) return false;
  try {
    new Intl.NumberFormat('en', { style: 'currency', currency: code });
    return true;
  } catch {
    return false;
  }
}

/** A rate's decimal text ("56.25", "0.0032") as an exact fraction; null when it is not one. */
export function parseRate(text: string): { numerator: bigint; denominator: bigint } | null {
  const m = /^(\d{1,9})(?:\.(\d{1,9}))?$/.exec(text.trim());
  if (!m) return null;
  const fraction = m[2] ?? '';
  const numerator = BigInt(`${m[1]}${fraction}`);
  if (numerator === 0n) return null;
  return { numerator, denominator: 10n ** BigInt(fraction.length) };
}

/**
 * `minor` of the supplier's currency in minor units of the company's, at `rate` (null: the same
 * currency), rounded half up.
 */
export function toCompanyMinor(
  minor: number,
  rate: string | null,
  supplierMinorUnits: number,
  companyMinorUnits: number,
): number {
  const fraction = rate === null ? { numerator: 1n, denominator: 1n } : parseRate(rate);
  if (!fraction) throw new Error(`"${rate}" is not an exchange rate`);
  const shift = companyMinorUnits - supplierMinorUnits;
  let numerator = BigInt(minor) * fraction.numerator;
  let denominator = fraction.denominator;
  if (shift >= 0) numerator *= 10n ** BigInt(shift);
  else denominator *= 10n ** BigInt(-shift);
  const negative = numerator < 0n;
  const magnitude = negative ? -numerator : numerator;
  const rounded = (2n * magnitude + denominator) / (2n * denominator);
  return Number(negative ? -rounded : rounded);
}
