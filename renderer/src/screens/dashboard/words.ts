// How a dashboard's figures read: the words of its ids (analytics namespace), its labels and its
// units, shared by the charts, their tables and the CSV, so all three show the same thing.
import type { OutputOf } from '../../client';
import { companyCurrency, count, date, money, tenths } from '../../format';
import type { Translate } from '../../i18n';

export type Dashboard = OutputOf<'dashboard.get'>;
export type DashChart = Dashboard['charts'][number];
export type DashCard = Dashboard['cards'][number];
export type DashList = Dashboard['lists'][number];
export type Unit = DashCard['unit'];

/** A key's words, or `fallback` when the language has none (a new source, an unknown status). */
export function wordOr(t: Translate, key: string, fallback: string): string {
  const said = t(key);
  return said === key || said === '' ? fallback : said;
}

/** i18next reads ':' as a namespace and '.' as nesting: keys like "sale:cash" are sale_cash. */
const safe = (key: string) => key.replace(/[:.]/g, '_');

export const seriesName = (t: Translate, s: { key: string; name?: string | undefined }): string =>
  s.name ?? wordOr(t, `series.${safe(s.key)}`, s.key);

export const chartTitle = (t: Translate, id: string) => wordOr(t, `chart.${safe(id)}`, id);

/** An x label as people read it: a day as a date, an hour as 08:00, a status in words. */
export function labelText(t: Translate, kind: DashChart['labelKind'], label: string): string {
  if (kind === 'day') return date(label);
  if (kind === 'hour') return `${label.padStart(2, '0')}:00`;
  if (kind === 'name') return wordOr(t, `label.${safe(label)}`, label);
  return label;
}

/** A figure in its unit, in the company's number format: money in its currency, hours and
 * percentages with one decimal. */
export function figure(t: Translate, unit: Unit, value: number): string {
  switch (unit) {
    case 'money':
      return money(value);
    case 'hours':
      return t('hours', { n: tenths(value) });
    case 'percent':
      return `${tenths(value)}%`;
    default:
      return count(value);
  }
}

/** Minor units as major ones with the currency's decimals, without floating point: 123456 → 1234.56. */
export function majorUnits(minor: number): string {
  const digits = companyCurrency().minorUnits;
  const sign = minor < 0 ? '-' : '';
  const abs = String(Math.abs(Math.round(minor))).padStart(digits + 1, '0');
  if (digits === 0) return `${sign}${abs}`;
  return `${sign}${abs.slice(0, -digits)}.${abs.slice(-digits)}`;
}

/** A figure as a CSV cell: money in major units, everything else as the number it is. */
export const csvNumber = (unit: Unit, value: number): string =>
  unit === 'money' ? majorUnits(value) : String(value);

/** How long something has waited (ms): "3 d 4 h", "5 h 12 min", "40 min". */
export function age(t: Translate, ms: number): string {
  const minutes = Math.floor(Math.max(0, ms) / 60_000);
  const h = Math.floor(minutes / 60);
  if (h >= 24) return t('age.dh', { d: Math.floor(h / 24), h: h % 24 });
  if (h >= 1) return t('age.hm', { h, m: minutes % 60 });
  return t('age.m', { m: minutes });
}

const csvCell = (s: string) => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/** The chart's numbers as CSV: a header row, then one row per label (what its table shows). */
export function chartCsv(t: Translate, chart: DashChart): string {
  const header = [t(`labelKind.${chart.labelKind}`), ...chart.series.map((s) => seriesName(t, s))];
  const rows = chart.labels.map((label, i) => [
    labelText(t, chart.labelKind, label),
    ...chart.series.map((s) => csvNumber(chart.unit, s.values[i] ?? 0)),
  ]);
  return [header, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
