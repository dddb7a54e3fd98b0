// Lists are read a page at a time from the database (limit/offset): one more row than shown is
// asked for, to know whether an older page exists without counting the whole table.
export const PAGE_SIZE = 50;

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

interface PagerProps {
  offset: number;
  shown: number;
  hasMore: boolean;
  onOffset(offset: number): void;
  noun?: string;
}

export function Pager({ offset, shown, hasMore, onOffset, noun = 'rows' }: PagerProps) {
  return (
    <nav className="pager" aria-label="Pages">
      <span className="muted">
        {shown === 0 ? `No ${noun}` : `${capitalize(noun)} ${offset + 1}–${offset + shown}`}
      </span>
      <button
        type="button"
        className="btn"
        disabled={offset === 0}
        onClick={() => onOffset(Math.max(0, offset - PAGE_SIZE))}
      >
        ← Newer
      </button>
      <button
        type="button"
        className="btn"
        disabled={!hasMore}
        onClick={() => onOffset(offset + PAGE_SIZE)}
      >
        Older →
      </button>
    </nav>
  );
}
