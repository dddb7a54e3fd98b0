// Money is integer minor units and quantities are integers everywhere; these turn them into
// what a clerk reads and back, without floating point.
import { sentence, statusLabel, type OrderStatus } from '../../core/vocabulary';

export { isOrderStatus, orderStatuses, statusShort } from '../../core/vocabulary';

const grouped = new Intl.NumberFormat('en-US');

/** 123456 → "1,234.56". */
export function money(minor: number): string {
  const sign = minor < 0 ? '-' : '';
  const abs = Math.abs(minor);
  const units = Math.trunc(abs / 100);
  const cents = String(abs % 100).padStart(2, '0');
  return `${sign}${grouped.format(units)}.${cents}`;
}

/** "1,234.5" → 123450; null when it is not an amount with at most two decimals. */
export function parseMoney(text: string): number | null {
  const m = /^\s*(\d{1,12})(?:[.,](\d{1,2}))?\s*$/.exec(text.replace(/(?<=\d),(?=\d{3}\b)/g, ''));
  if (!m?.[1]) return null;
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}

/** A typed whole number, or NaN for an empty box (sent as null, so the core names the field). */
export const parseCount = (text: string): number => (text.trim() === '' ? NaN : Number(text));

export const count = (n: number): string => grouped.format(n);
/** "1 event", "2 events": a count with its noun (`plural` when the noun is irregular). */
export const counted = (n: number, noun: string, plural = `${noun}s`): string =>
  `${count(n)} ${n === 1 ? noun : plural}`;

const dateTimeFormat = new Intl.DateTimeFormat('en-GB', {
  day: '2-digit',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});
const timeFormat = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit' });

export const dateTime = (ms: number): string => dateTimeFormat.format(ms);
export const time = (ms: number): string => timeFormat.format(ms);

/** Today as the core's dates are written: 2026-03-31, in the clerk's own time zone. */
export function today(now = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** A status as a sentence of its own, for a tooltip or under a heading. */
export const statusLong = (status: OrderStatus): string => sentence(statusLabel[status]);

export function fileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** How long ago: "just now", "12 min ago", "3 h ago", "4 days ago". */
export function ago(ms: number, now = Date.now()): string {
  const minutes = Math.floor(Math.max(0, now - ms) / 60_000);
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.floor(hours / 24)} days ago`;
}

/** Free disk and backup sizes: "512 MB", "12.4 GB". */
export function diskSize(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(1)} GB`;
  return fileSize(bytes);
}
