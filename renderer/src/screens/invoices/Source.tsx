// Where a box's value came from, under the box: read by the layout rules or the AI model and how
// sure, not found on the page (the model said it, the page does not show it), or typed by the
// person. Focusing or pointing at the box marks its place on the page image.
import type { ReactNode } from 'react';
import { useT } from '../../i18n';
import type { Evidence } from './form';

export type Point = (at: Evidence | null) => void;

export function SourceNote({
  read,
  typed,
  short = false,
}: {
  read: { at: Evidence | null } | undefined;
  typed: boolean;
  /** In a table's cell: "rules 97%", "typed", "not on the page". */
  short?: boolean;
}) {
  const base = useT('invoices');
  const t = (key: string, vars?: Record<string, string | number>) =>
    base(short ? key.replace(/^source\./, 'source.short.') : key, vars);
  let text: string | null = null;
  let kind = 'typed';
  if (typed) text = t('source.typed');
  else if (read && read.at === null) {
    text = t('source.notFound');
    kind = 'missing';
  } else if (read?.at) {
    kind = read.at.by;
    text =
      read.at.by === 'person'
        ? t('source.typed')
        : t(`source.${read.at.by}`, { sure: Math.round(read.at.confidence * 100) });
  }
  if (!text) return null;
  return (
    <p className={`source source-${kind}`} data-source={kind}>
      {text}
    </p>
  );
}

/** A box with its source under it; focus or the pointer on it marks its place on the page. */
export function Sourced({
  read,
  typed,
  point,
  className,
  short,
  children,
}: {
  read: { at: Evidence | null } | undefined;
  typed: boolean;
  point: Point;
  className?: string;
  short?: boolean;
  children: ReactNode;
}) {
  const at = read?.at ?? null;
  return (
    <div
      className={`sourced ${className ?? ''}`}
      onFocus={() => point(at)}
      onMouseEnter={() => point(at)}
    >
      {children}
      <SourceNote read={read} typed={typed} short={short} />
    </div>
  );
}
