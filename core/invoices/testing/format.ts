// How numbers and dates are printed. Each layout keeps one style so a reader of the benchmark
// can tell which failure comes from which convention.

export type AmountStyle = 'en' | 'eu' | 'plain';
export type DateStyle = 'iso' | 'dmy' | 'dmy-dots' | 'd-mon-y' | 'mon-d-y';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function groupThousands(whole: number, separator: string): string {
  return String(whole).replace(/\B(?=(\d{3})+(?!\d))/g, separator);
}

/**
 * Minor units as printed: 'en' 1,234.50; 'eu' 1 234,50 (an ordinary space, as a person types
 * it, so it splits into two words); 'plain' 1234.50.
 */
export function formatAmount(minor: number, style: AmountStyle): string {
  const sign = minor < 0 ? '-' : '';
  const abs = Math.abs(minor);
  const whole = Math.floor(abs / 100);
  const cents = String(abs % 100).padStart(2, '0');
  if (style === 'en') return `${sign}${groupThousands(whole, ',')}.${cents}`;
  if (style === 'eu') return `${sign}${groupThousands(whole, ' ')},${cents}`;
  return `${sign}${whole}.${cents}`;
}

/** iso 2026-11-30; dmy 30/11/2026; dmy-dots 30.11.2026; d-mon-y 30 Nov 2026; mon-d-y Nov 30, 2026. */
export function formatDate(iso: string, style: DateStyle): string {
  const [year = '', month = '', day = ''] = iso.split('-');
  const monthName = MONTHS[Number(month) - 1] ?? '';
  switch (style) {
    case 'iso':
      return iso;
    case 'dmy':
      return `${day}/${month}/${year}`;
    case 'dmy-dots':
      return `${day}.${month}.${year}`;
    case 'd-mon-y':
      return `${Number(day)} ${monthName} ${year}`;
    case 'mon-d-y':
      return `${monthName} ${Number(day)}, ${year}`;
  }
}
