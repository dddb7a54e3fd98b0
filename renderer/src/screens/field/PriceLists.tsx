// Price lists (issue 16, decision 0034): head office's prices for groups of customers (a list per
// kind of customer: restaurants, wholesalers). A customer on a list buys a variant at the list's
// price when it has one, else at the catalog's. F2 makes a new list; a list opens to edit its name
// and its variants' prices (scan or search a product to add it).
import { useEffect, useState } from 'react';
import { useAction, useClient, useQuery } from '../../app-context';
import { ErrorBanner, Notice } from '../../components/Banner';
import { FormActions } from '../../components/FormActions';
import { ListTable } from '../../components/ListTable';
import { FormPanel } from '../../components/FormPanel';
import { FieldError, TextField } from '../../components/Field';
import { ProductPicker } from '../../components/ProductPicker';
import { companyCurrency, count, money, parseMoney } from '../../format';
import { useT } from '../../i18n';
import type { OutputOf } from '../../client';

type PriceList = OutputOf<'priceLists.list'>[number];

interface PriceRow {
  variantId: string;
  sku: string;
  catalogPrice: number | null;
  price: string;
}

const shown = (minor: number) =>
  money(minor)
    .replace(/[^\d.,-]/g, '')
    .trim();

function ListForm({
  list,
  onSaved,
  onCancel,
}: {
  list: PriceList | null;
  onSaved(name: string): void;
  onCancel(): void;
}) {
  const t = useT('field');
  const client = useClient();
  const action = useAction();
  const [name, setName] = useState(list?.name ?? '');
  const [rows, setRows] = useState<PriceRow[]>(
    (list?.prices ?? []).map((p) => ({
      variantId: p.variantId,
      sku: p.sku ?? p.variantId,
      catalogPrice: p.catalogPrice,
      price: shown(p.price),
    })),
  );
  const [bad, setBad] = useState<Record<number, string>>({});
  // The name first: the product picker's scan box would otherwise take the focus on opening.
  useEffect(() => {
    document.querySelector<HTMLElement>('.price-list-form [data-field="name"] input')?.focus();
  }, []);

  const save = async () => {
    const wrong: Record<number, string> = {};
    const prices = rows.map((r, i) => {
      const minor = parseMoney(r.price);
      if (minor === null || minor < 0)
        wrong[i] = t('lists.badPrice', { currency: companyCurrency().code });
      return { variantId: r.variantId, price: minor ?? 0 };
    });
    setBad(wrong);
    if (Object.keys(wrong).length > 0) {
      setTimeout(() => document.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus(), 0);
      return;
    }
    const done = await action.run(() =>
      client.call('priceLists.save', { ...(list && { id: list.id }), name, prices }),
    );
    if (done) onSaved(name.trim());
  };

  const title = list ? t('lists.editTitle', { name: list.name ?? '' }) : t('lists.newTitle');
  return (
    <FormPanel
      className="inline-form price-list-form"
      title={title}
      onSubmit={() => void save()}
      onCancel={onCancel}
    >
      <TextField
        label={t('lists.name')}
        name="name"
        error={action.error}
        autoComplete="off"
        value={name}
        onChange={setName}
      />
      <h3>{t('lists.addVariant')}</h3>
      <ProductPicker
        onPick={(row) =>
          setRows((rs) =>
            rs.some((r) => r.variantId === row.variantId)
              ? rs
              : [
                  ...rs,
                  {
                    variantId: row.variantId,
                    sku: row.sku,
                    catalogPrice: row.price,
                    price: shown(row.price),
                  },
                ],
          )
        }
      />
      <ListTable
        label={t('lists.prices')}
        columns={[
          { label: t('col.item') },
          { label: t('lists.catalogPrice'), num: true },
          { label: t('lists.price', { currency: companyCurrency().code }), num: true },
          { label: t('col.actions'), unseen: true },
        ]}
        count={rows.length}
        empty={t('lists.noPrices')}
      >
        {rows.map((r, i) => (
          <tr key={r.variantId} data-sku={r.sku}>
            <td className="sku">{r.sku}</td>
            <td className="num">{r.catalogPrice === null ? '—' : money(r.catalogPrice)}</td>
            <td className="num">
              <TextField
                label={t('lists.priceOf', { sku: r.sku })}
                hideLabel
                name={`prices.${i}.price`}
                error={action.error}
                localError={bad[i]}
                inputMode="decimal"
                inputClassName="num-input"
                autoComplete="off"
                value={r.price}
                onChange={(v) =>
                  setRows((rs) => rs.map((x, j) => (j === i ? { ...x, price: v } : x)))
                }
              />
              <FieldError error={action.error} name={`prices.${i}.variantId`} />
            </td>
            <td>
              <button
                type="button"
                className="btn"
                aria-label={t('lists.remove', { sku: r.sku })}
                onClick={() => setRows((rs) => rs.filter((_, j) => j !== i))}
              >
                ✕
              </button>
            </td>
          </tr>
        ))}
      </ListTable>
      <ErrorBanner
        error={action.error}
        shown={['name', ...rows.flatMap((_, i) => [`prices.${i}.price`, `prices.${i}.variantId`])]}
      />
      <FormActions
        save={t('lists.save')}
        saveKey="Ctrl+S"
        disabled={action.busy}
        cancel={t('cancel')}
        onCancel={onCancel}
      />
    </FormPanel>
  );
}

export function PriceLists() {
  const t = useT('field');
  const client = useClient();
  const [tick, setTick] = useState(0);
  const [editing, setEditing] = useState<PriceList | 'new' | null>(null);
  const [said, setSaid] = useState<string | null>(null);
  const lists = useQuery(() => client.call('priceLists.list', {}), [tick]);
  const rows = lists.data ?? [];
  const done = (message: string | null) => {
    setEditing(null);
    if (message) setSaid(message);
    setTick((n) => n + 1);
    setTimeout(() => document.querySelector<HTMLElement>('.price-lists h1')?.focus(), 0);
  };
  return (
    <div
      className="screen price-lists"
      onKeyDown={(e) => {
        if (e.defaultPrevented) return;
        if (e.key === 'F2' && !editing) {
          e.preventDefault();
          setSaid(null);
          setEditing('new');
        } else if (e.key === 's' && (e.ctrlKey || e.metaKey) && editing) {
          e.preventDefault();
          document.querySelector<HTMLFormElement>('.price-lists form.inline-form')?.requestSubmit();
        }
      }}
    >
      <header className="screen-head row">
        <div>
          <h1 tabIndex={-1}>{t('lists.title')}</h1>
          <p className="muted">{t('lists.intro')}</p>
        </div>
        <span className="grow" />
        {!editing && (
          <button
            type="button"
            className="btn primary"
            onClick={() => {
              setSaid(null);
              setEditing('new');
            }}
          >
            {t('lists.new')} <kbd>F2</kbd>
          </button>
        )}
      </header>
      {said && <Notice kind="success">{said}</Notice>}
      {editing && (
        <ListForm
          key={editing === 'new' ? 'new' : editing.id}
          list={editing === 'new' ? null : editing}
          onCancel={() => done(null)}
          onSaved={(name) => done(t('lists.saved', { name }))}
        />
      )}
      <div hidden={Boolean(editing)}>
        <ErrorBanner error={lists.error} />
        <ListTable
          label={t('lists.table')}
          columns={[
            { label: t('lists.name') },
            { label: t('lists.variants'), num: true },
            { label: t('lists.customers'), num: true },
          ]}
          loading={lists.loading}
          count={rows.length}
          empty={t('lists.empty')}
        >
          {rows.map((l) => (
            <tr key={l.id} data-list={l.name ?? ''}>
              <td>
                <button
                  type="button"
                  className="link"
                  onClick={() => {
                    setSaid(null);
                    setEditing(l);
                  }}
                >
                  {l.name ?? '—'}
                </button>
              </td>
              <td className="num">{count(l.prices.length)}</td>
              <td className="num">{count(l.customers)}</td>
            </tr>
          ))}
        </ListTable>
      </div>
    </div>
  );
}
