// A short list beside the charts (stock running low, orders to dispatch, the leaderboard): its
// columns say how each value reads, so money, quantities, days and waiting times look right.
import { count, date, money } from '../../format';
import type { Translate } from '../../i18n';
import { age, wordOr, type DashList } from './words';

type Column = DashList['columns'][number];

function cell(t: Translate, column: Column, value: string | number | null | undefined): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'string')
    return column.unit === 'day'
      ? date(value)
      : column.key === 'status'
        ? wordOr(t, `label.${value}`, value)
        : value;
  switch (column.unit) {
    case 'money':
      return money(value);
    case 'age':
      return age(t, value);
    case 'hours':
      return t('hours', { n: value });
    default:
      return count(value);
  }
}

const numeric = (c: Column) => c.unit !== undefined && !['text', 'day'].includes(c.unit);

export function ListTable({ t, list }: { t: Translate; list: DashList }) {
  const title = wordOr(t, `list.${list.id}`, list.id);
  const headingId = `dash-list-${list.id}`;
  return (
    <section className="panel dash-list" aria-labelledby={headingId} data-list={list.id}>
      <h2 id={headingId}>{title}</h2>
      {list.rows.length === 0 ? (
        <p className="muted">{t('listEmpty')}</p>
      ) : (
        <div
          className="table-wrap table-box"
          tabIndex={0}
          role="region"
          aria-labelledby={headingId}
        >
          <table className="table compact">
            <thead>
              <tr>
                {list.columns.map((c) => (
                  <th key={c.key} scope="col" className={numeric(c) ? 'num' : undefined}>
                    {wordOr(t, `column.${c.key}`, c.key)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {list.rows.map((r, i) => (
                <tr key={i}>
                  {list.columns.map((c) => (
                    <td key={c.key} data-col={c.key} className={numeric(c) ? 'num' : undefined}>
                      {cell(t, c, r[c.key])}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
