// What an admin fixes by hand in the customers' points: the same phone created at two shops
// (pick the customer who stays; the other's points follow), balances two shops overdrew while
// offline (shown, never corrected silently), and an adjustment with its reason.
import { useState } from 'react';
import { useAction, useClient, useQuery } from '../../../app-context';
import { ErrorBanner, Notice } from '../../../components/Banner';
import { Field, TextField } from '../../../components/Field';
import { count } from '../../../format';
import { useT } from '../../../i18n';
import { whole } from './percent';

export function Duplicates() {
  const t = useT('loyalty');
  const client = useClient();
  const [tick, setTick] = useState(0);
  const [keep, setKeep] = useState<Record<string, string>>({});
  const [said, setSaid] = useState<string | null>(null);
  const groups = useQuery(() => client.call('customers.duplicates', {}), [tick]);
  const action = useAction();

  const merge = async (phone: string, ids: string[]) => {
    setSaid(null);
    const intoId = keep[phone] ?? ids[0] ?? '';
    for (const fromId of ids.filter((id) => id !== intoId))
      if (!(await action.run(() => client.call('customers.merge', { fromId, intoId })))) return;
    setSaid(t('merge.done', { phone }));
    setTick((n) => n + 1);
  };

  return (
    <section className="panel" aria-labelledby="merge-title">
      <h2 id="merge-title">{t('merge.title')}</h2>
      {said && <Notice kind="success">{said}</Notice>}
      <ErrorBanner error={action.error ?? groups.error} />
      {groups.data?.length === 0 && <p className="muted">{t('merge.none')}</p>}
      {groups.data?.map((g) => {
        const phone = g.phone ?? '';
        const ids = g.customers.map((c) => c.id);
        return (
          <fieldset key={phone} data-phone={phone}>
            <legend>{t('merge.group', { phone })}</legend>
            {g.customers.map((c) => (
              <label key={c.id} className="check">
                <input
                  type="radio"
                  name={`keep-${phone}`}
                  checked={(keep[phone] ?? ids[0]) === c.id}
                  onChange={() => setKeep((k) => ({ ...k, [phone]: c.id }))}
                />
                {c.name} {c.card && `· ${c.card}`} {c.tier && `· ${c.tier}`}
              </label>
            ))}
            <button
              type="button"
              className="btn small"
              disabled={action.busy}
              onClick={() => void merge(phone, ids)}
            >
              {t('merge.button')}
            </button>
          </fieldset>
        );
      })}
    </section>
  );
}

export function Overdrawn() {
  const t = useT('loyalty');
  const client = useClient();
  const rows = useQuery(() => client.call('loyalty.overdrawn', {}), []);
  return (
    <section className="panel" aria-labelledby="overdrawn-title">
      <h2 id="overdrawn-title">{t('overdrawn.title')}</h2>
      <p className="muted">{t('overdrawn.intro')}</p>
      <ErrorBanner error={rows.error} />
      <div className="table-wrap">
        <table className="table compact" aria-labelledby="overdrawn-title">
          <thead>
            <tr>
              <th scope="col">{t('col.customer')}</th>
              <th scope="col">{t('col.phone')}</th>
              <th scope="col" className="num">
                {t('col.points')}
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.data?.length === 0 && (
              <tr>
                <td colSpan={3} className="empty">
                  {t('overdrawn.none')}
                </td>
              </tr>
            )}
            {rows.data?.map((r) => (
              <tr key={r.customerId}>
                <td>{r.name}</td>
                <td>{r.phone ?? '—'}</td>
                <td className="num negative">{count(r.points)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

export function Adjust() {
  const t = useT('loyalty');
  const client = useClient();
  const [search, setSearch] = useState('');
  const [customerId, setCustomerId] = useState('');
  const [points, setPoints] = useState('');
  const [reason, setReason] = useState('');
  const [said, setSaid] = useState<string | null>(null);
  const found = useQuery(
    () =>
      search.trim().length >= 2
        ? client.call('customers.find', { search: search.trim() })
        : Promise.resolve([]),
    [search],
  );
  const action = useAction();
  const chosen = found.data?.find((c) => c.id === customerId) ?? found.data?.[0];

  const submit = async () => {
    setSaid(null);
    const result = await action.run(() =>
      client.call('loyalty.adjust', {
        customerId: chosen?.id ?? '',
        points: whole(points),
        reason: reason.trim(),
      }),
    );
    if (!result) return;
    setSaid(t('adjust.done', { name: chosen?.name ?? '', balance: count(result.balance) }));
    setPoints('');
    setReason('');
  };

  return (
    <form
      className="panel"
      aria-labelledby="adjust-title"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <h2 id="adjust-title">{t('adjust.title')}</h2>
      {said && <Notice kind="success">{said}</Notice>}
      <ErrorBanner error={action.error} shown={['customerId', 'points', 'reason']} />
      <div className="form-grid">
        <TextField
          label={t('adjust.search')}
          name="search"
          error={found.error}
          hint={t('adjust.searchHint')}
          autoComplete="off"
          value={search}
          onChange={setSearch}
        />
        <Field label={t('adjust.customer')} name="customerId" error={action.error}>
          {(p) => (
            <select {...p} value={chosen?.id ?? ''} onChange={(e) => setCustomerId(e.target.value)}>
              {(found.data ?? []).length === 0 && <option value="">{t('adjust.noOne')}</option>}
              {(found.data ?? []).map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                  {c.phone && ` · ${c.phone}`}
                  {c.points && ` · ${t('adjust.balance', { n: count(c.points.balance) })}`}
                </option>
              ))}
            </select>
          )}
        </Field>
        <TextField
          label={t('adjust.points')}
          name="points"
          error={action.error}
          hint={t('adjust.pointsHint')}
          type="number"
          step={1}
          value={points}
          onChange={setPoints}
        />
        <TextField
          label={t('adjust.reason')}
          name="reason"
          error={action.error}
          autoComplete="off"
          value={reason}
          onChange={setReason}
        />
      </div>
      <div className="form-actions">
        <button type="submit" className="btn primary" disabled={action.busy || !chosen}>
          {t('adjust.button')} <kbd>Enter</kbd>
        </button>
      </div>
    </form>
  );
}
