// Rates and limits are basis points in the core (1250 = 12.5 %); people type them as percent.

/** "12.5" → 1250; NaN when it is not a percentage with at most two decimals (the core names it). */
export function percentToBp(text: string): number {
  const m = /^\s*(\d{1,5})(?:[.,](\d{1,2}))?\s*%?\s*$/.exec(text);
  if (!m) return NaN;
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}

/** 1250 → "12.5". */
export function bpToPercent(bp: number): string {
  const whole = Math.trunc(bp / 100);
  const rest = String(Math.abs(bp % 100))
    .padStart(2, '0')
    .replace(/0+$/, '');
  return rest ? `${whole}.${rest}` : String(whole);
}

/** A typed whole number, or NaN for an empty or broken box (sent on, so the core names the field). */
export const whole = (text: string): number => (/^\s*-?\d+\s*$/.test(text) ? Number(text) : NaN);
