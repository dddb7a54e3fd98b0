// A customer's account rows, newest first (what was delivered, paid, collected, taken back): when,
// what, which order, how it was paid and the amount. The staff's view gives how it was paid a
// column of its own; the customer's portal says it after what it was.
import { dateTime, money } from '../format';

export interface AccountRow {
  at: number;
  kind: string;
  orderNumber: string | null;
  method: string | null;
  reference: string | null;
  amount: number;
}

/** The words, each from the caller's own translation keys. */
export interface AccountRowsWords {
  /** The table's name for a screen reader. */
  table: string;
  when: string;
  what: string;
  order: string;
  /** How it was paid, as a column of its own; without it, it follows what the row is. */
  how?: string;
  amount: string;
  none: string;
  kind(kind: string): string;
  method(method: string): string;
}

export function AccountRows({
  rows,
  words,
}: {
  rows: readonly AccountRow[];
  words: AccountRowsWords;
}) {
  const how = (r: AccountRow) => [r.method && words.method(r.method), r.reference].filter(Boolean);
  return (
    <div className="table-wrap">
      <table className="table compact" aria-label={words.table}>
        <thead>
          <tr>
            <th scope="col">{words.when}</th>
            <th scope="col">{words.what}</th>
            <th scope="col">{words.order}</th>
            {words.how && <th scope="col">{words.how}</th>}
            <th scope="col" className="num">
              {words.amount}
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 && (
            <tr>
              <td colSpan={words.how ? 5 : 4} className="empty">
                {words.none}
              </td>
            </tr>
          )}
          {rows.map((r, i) => (
            <tr key={i} data-kind={r.kind}>
              <td>{dateTime(r.at)}</td>
              <td>
                {words.kind(r.kind)}
                {!words.how &&
                  how(r)
                    .map((w) => ` · ${w}`)
                    .join('')}
              </td>
              <td>{r.orderNumber ?? '—'}</td>
              {words.how && (
                <td>
                  {r.method ? words.method(r.method) : '—'}
                  {r.reference && <span className="muted"> · {r.reference}</span>}
                </td>
              )}
              <td className="num">{money(r.amount)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
