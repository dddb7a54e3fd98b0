// A customer's terms, set by an admin at head office (decision 0034): their sales rep (an active
// one), their price list, and the credit limit over which their orders wait for approval. Only
// what changed is sent; an empty box clears it.
import { useState } from 'react';
import { useAction, useClient, useQuery, useSeed } from '../../app-context';
import { ErrorBanner, Notice } from '../../components/Banner';
import { Field, TextField } from '../../components/Field';
import { companyCurrency, money, parseMoney } from '../../format';
import { useT } from '../../i18n';

/** A stored amount as the box shows it: the digits only, without the currency's symbol. */
const amountText = (minor: number | null) =>
  minor === null ? '' : money(minor).replace(/[^\d.,-]/g, '');

export function CustomerTerms({ customerId, name }: { customerId: string; name: string }) {
  const t = useT('customers');
  const client = useClient();
  const action = useAction();
  const [tick, setTick] = useState(0);
  const [said, setSaid] = useState<string | null>(null);
  const [badLimit, setBadLimit] = useState<string | undefined>(undefined);
  const users = useQuery(() => client.call('users.list', {}), []);
  const lists = useQuery(() => client.call('priceLists.list', {}), []);
  const current = useQuery(
    () =>
      client
        .call('field.customers', { search: name, limit: 1000 })
        .then((rows) => rows.find((r) => r.id === customerId) ?? null),
    [customerId, name, tick],
  );
  const [repId, setRepId] = useState('');
  const [priceListId, setPriceListId] = useState('');
  const [limit, setLimit] = useState('');
  const c = current.data;
  useSeed(c ?? undefined, (row) => {
    setRepId(row.repId ?? '');
    setPriceListId(row.priceListId ?? '');
    setLimit(amountText(row.creditLimit));
  });
  const reps = (users.data ?? []).filter(
    (u) => u.role === 'sales_rep' && (!u.disabled || u.id === c?.repId),
  );

  const save = async () => {
    const creditLimit = limit.trim() === '' ? null : parseMoney(limit);
    if (limit.trim() !== '' && (creditLimit === null || creditLimit < 0)) {
      setBadLimit(t('terms.badLimit', { currency: companyCurrency().code }));
      return;
    }
    setBadLimit(undefined);
    const done = await action.run(() =>
      client.call('customers.saveTerms', {
        customerId,
        repId: repId || null,
        priceListId: priceListId || null,
        creditLimit,
      }),
    );
    if (done) {
      setSaid(done.changed.length > 0 ? t('terms.saved', { name }) : t('unchanged'));
      setTick((n) => n + 1);
    }
  };

  return (
    <form
      className="panel inline-form"
      aria-label={t('terms.title')}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <h3>{t('terms.title')}</h3>
      <p className="muted small">{t('terms.intro')}</p>
      <ErrorBanner error={current.error ?? users.error ?? lists.error} />
      <div className="form-grid">
        <Field label={t('terms.rep')} name="repId" error={action.error}>
          {(p) => (
            <select {...p} value={repId} onChange={(e) => setRepId(e.target.value)}>
              <option value="">{t('terms.noRep')}</option>
              {reps.map((u) => (
                <option key={u.id} value={u.id}>
                  {u.displayName}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('terms.priceList')} name="priceListId" error={action.error}>
          {(p) => (
            <select {...p} value={priceListId} onChange={(e) => setPriceListId(e.target.value)}>
              <option value="">{t('terms.catalogPrices')}</option>
              {lists.data?.map((l) => (
                <option key={l.id} value={l.id}>
                  {l.name ?? l.id}
                </option>
              ))}
            </select>
          )}
        </Field>
        <TextField
          label={t('terms.creditLimit', { currency: companyCurrency().code })}
          name="creditLimit"
          error={action.error}
          localError={badLimit}
          hint={t('terms.creditLimitHint')}
          autoComplete="off"
          inputMode="decimal"
          value={limit}
          onChange={setLimit}
        />
      </div>
      {said && <Notice kind="success">{said}</Notice>}
      <ErrorBanner error={action.error} shown={['repId', 'priceListId', 'creditLimit']} />
      <div className="form-actions">
        <button type="submit" className="btn primary" disabled={action.busy || !c}>
          {t('terms.save')}
        </button>
      </div>
    </form>
  );
}
