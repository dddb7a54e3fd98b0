// Lists are read a page at a time from the database (limit/offset): one more row than shown is
// asked for, to know whether an older page exists without counting the whole table.
import { count } from '../format';
import { useT } from '../i18n';

export const PAGE_SIZE = 50;

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

interface PagerProps {
  offset: number;
  shown: number;
  hasMore: boolean;
  onOffset(offset: number): void;
  /** What the rows are, in the screen's own (translated) words: "orders". */
  noun?: string;
}

export function Pager({ offset, shown, hasMore, onOffset, noun }: PagerProps) {
  const t = useT('common');
  const rows = noun ?? t('pager.rows');
  return (
    <nav className="pager" aria-label={t('pager.label')}>
      <span className="muted">
        {shown === 0
          ? t('pager.none', { noun: rows })
          : t('pager.range', {
              noun: capitalize(rows),
              from: count(offset + 1),
              to: count(offset + shown),
            })}
      </span>
      <button
        type="button"
        className="btn"
        disabled={offset === 0}
        onClick={() => onOffset(Math.max(0, offset - PAGE_SIZE))}
      >
        ‹ {t('pager.newer')}
      </button>
      <button
        type="button"
        className="btn"
        disabled={!hasMore}
        onClick={() => onOffset(offset + PAGE_SIZE)}
      >
        {t('pager.older')} ›
      </button>
    </nav>
  );
}
