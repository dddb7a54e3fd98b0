// A list's table: its name for a screen reader, the column headings, a line saying the list is
// empty once it has loaded with nothing, and `data-state` (loading / ready) for whoever waits on it
// (a list loaded from the core; rows edited here have nothing to wait for).
import type { ReactNode } from 'react';

export interface Column {
  label: string;
  /** A number column, aligned right. */
  num?: boolean;
  /** Named for a screen reader only (a column of buttons). */
  unseen?: boolean;
}

export function ListTable({
  label,
  columns,
  loading,
  count,
  empty,
  children,
}: {
  label: string;
  columns: readonly Column[];
  /** Whether the rows are still coming; left out for rows edited here (nothing to load). */
  loading?: boolean;
  /** How many rows there are: none, once loaded, shows `empty`. */
  count: number;
  empty: string;
  children: ReactNode;
}) {
  return (
    <div className="table-wrap">
      <table
        className="table compact"
        aria-label={label}
        data-state={loading === undefined ? undefined : loading ? 'loading' : 'ready'}
      >
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.label} scope="col" className={c.num ? 'num' : undefined}>
                {c.unseen ? <span className="sr-only">{c.label}</span> : c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {!loading && count === 0 && (
            <tr>
              <td colSpan={columns.length} className="empty">
                {empty}
              </td>
            </tr>
          )}
          {children}
        </tbody>
      </table>
    </div>
  );
}
