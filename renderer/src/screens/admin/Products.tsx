// Admin: the catalog with prices, costs and the margin between them; edit a variant in place,
// archive or restore it, and open its price history. Archived variants are hidden from the
// counter, pickers and stock lists, and listed here when "Show archived" is on (decision 0024).
import { Fragment, useState } from 'react';
import { useAction, useClient, useQuery } from '../../app-context';
import type { OutputOf } from '../../client';
import { ErrorBanner, Notice } from '../../components/Banner';
import { SearchField } from '../../components/Field';
import { PAGE_SIZE, Pager } from '../../components/Pager';
import { count, money } from '../../format';
import { useT } from '../../i18n';
import { PriceHistory } from './PriceHistory';
import { ProductForm } from './ProductForm';
import { VariantEditor } from './VariantEditor';

type Row = OutputOf<'catalog.list'>[number];

const attributeText = (a: Record<string, string>) => Object.values(a).join(', ');

export function Products() {
  const t = useT('admin');
  const client = useClient();
  const [search, setSearch] = useState('');
  const [offset, setOffset] = useState(0);
  const [showArchived, setShowArchived] = useState(false);
  const [editing, setEditing] = useState<string | null>(null);
  const [history, setHistory] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const action = useAction();
  const catalog = useQuery(
    () =>
      client.call('catalog.list', {
        includeInactive: showArchived,
        ...(search.trim() ? { search: search.trim() } : {}),
        limit: PAGE_SIZE + 1,
        offset,
      }),
    [search, offset, showArchived],
  );
  const rows = (catalog.data ?? []).slice(0, PAGE_SIZE);

  const archive = async (r: Row) => {
    const ok = await action.run(() =>
      client.call('catalog.updateVariant', { id: r.variantId, active: !r.active }),
    );
    if (ok) {
      setMessage(t(r.active ? 'products.archivedDone' : 'products.restoredDone', { sku: r.sku }));
      catalog.reload();
    }
  };

  return (
    <div className="screen">
      <header className="screen-head row">
        <div>
          <h1>{t('products.title')}</h1>
          <p className="muted">{t('products.intro')}</p>
        </div>
        <span className="grow" />
        <button type="button" className="btn primary" onClick={() => setCreating(true)}>
          {t('products.new')}
        </button>
      </header>
      {message && <Notice kind="success">{message}</Notice>}
      <ErrorBanner error={action.error} />
      {creating && (
        <ProductForm
          onCancel={() => setCreating(false)}
          onDone={(name) => {
            setCreating(false);
            setMessage(t('products.created', { name }));
            catalog.reload();
          }}
        />
      )}
      <div className="toolbar">
        <SearchField
          placeholder={t('products.search')}
          value={search}
          onChange={(value) => {
            setSearch(value);
            setOffset(0);
          }}
        />
        <label className="check">
          <input
            type="checkbox"
            checked={showArchived}
            onChange={(e) => {
              setShowArchived(e.target.checked);
              setOffset(0);
            }}
          />
          {t('showArchived')}
        </label>
        <span className="grow" />
        <Pager
          offset={offset}
          shown={rows.length}
          hasMore={(catalog.data?.length ?? 0) > PAGE_SIZE}
          onOffset={setOffset}
          noun={t('products.noun')}
        />
      </div>
      <ErrorBanner error={catalog.error} />
      <div className="table-wrap">
        <table className="table products">
          <thead>
            <tr>
              <th>{t('products.product')}</th>
              <th>{t('products.variant')}</th>
              <th>{t('products.sku')}</th>
              <th>{t('products.barcode')}</th>
              <th className="num">{t('products.price')}</th>
              <th className="num">{t('products.cost')}</th>
              <th className="num">{t('products.margin')}</th>
              <th className="num">{t('products.marginPercent')}</th>
              <th className="num">{t('products.minStockShort')}</th>
              <th>{t('actions')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <Fragment key={r.variantId}>
                <tr data-sku={r.sku} className={r.active ? undefined : 'muted'}>
                  <td className="strong">{r.productName}</td>
                  <td>{attributeText(r.attributes) || '—'}</td>
                  <td className="sku">{r.sku}</td>
                  <td className="mono">{r.barcode ?? ''}</td>
                  <td className="num">{money(r.price)}</td>
                  <td className="num">{money(r.cost)}</td>
                  <td className={`num ${r.margin < 0 ? 'negative' : ''}`}>{money(r.margin)}</td>
                  <td className="num">
                    {r.marginBasisPoints === null
                      ? '—'
                      : `${(r.marginBasisPoints / 100).toFixed(1)}%`}
                  </td>
                  <td className="num">{count(r.minStock)}</td>
                  <td className="actions">
                    {r.active ? null : (
                      <span className="badge status-cancelled">{t('state.archived')}</span>
                    )}
                    <button
                      type="button"
                      className="btn small"
                      onClick={() => setEditing(r.variantId)}
                    >
                      {t('edit')}
                    </button>
                    <button
                      type="button"
                      className="btn small"
                      onClick={() => setHistory(history === r.variantId ? null : r.variantId)}
                    >
                      {t('products.history')}
                    </button>
                    <button
                      type="button"
                      className="btn small"
                      disabled={action.busy}
                      onClick={() => void archive(r)}
                    >
                      {r.active ? t('archive') : t('restore')}
                    </button>
                  </td>
                </tr>
                {editing === r.variantId && (
                  <VariantEditor
                    row={r}
                    onDone={(saved) => {
                      setEditing(null);
                      if (saved) {
                        setMessage(t('products.saved', { sku: r.sku }));
                        catalog.reload();
                      }
                    }}
                  />
                )}
                {history === r.variantId && (
                  <tr>
                    <td colSpan={10}>
                      <PriceHistory
                        variantId={r.variantId}
                        sku={r.sku}
                        onClose={() => setHistory(null)}
                      />
                    </td>
                  </tr>
                )}
              </Fragment>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
