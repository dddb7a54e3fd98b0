// Admin: the catalog with prices, costs and the margin between them; edit a variant in place.
import { Fragment, useState } from 'react';
import { useClient, useQuery } from '../../app-context';
import { ErrorBanner, Notice } from '../../components/Banner';
import { SearchField } from '../../components/Field';
import { PAGE_SIZE, Pager } from '../../components/Pager';
import { count, money } from '../../format';
import { ProductForm } from './ProductForm';
import { VariantEditor } from './VariantEditor';

const attributeText = (a: Record<string, string>) => Object.values(a).join(', ');

export function Products() {
  const client = useClient();
  const [search, setSearch] = useState('');
  const [offset, setOffset] = useState(0);
  const [editing, setEditing] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const catalog = useQuery(
    () =>
      client.call('catalog.list', {
        includeInactive: true,
        ...(search.trim() ? { search: search.trim() } : {}),
        limit: PAGE_SIZE + 1,
        offset,
      }),
    [search, offset],
  );
  const rows = (catalog.data ?? []).slice(0, PAGE_SIZE);

  return (
    <div className="screen">
      <header className="screen-head row">
        <div>
          <h1>Products & prices</h1>
          <p className="muted">Margin = price − cost; it is worked out, never typed.</p>
        </div>
        <span className="grow" />
        <button type="button" className="btn primary" onClick={() => setCreating(true)}>
          New product
        </button>
      </header>
      {message && <Notice kind="success">{message}</Notice>}
      {creating && (
        <ProductForm
          onCancel={() => setCreating(false)}
          onDone={(name) => {
            setCreating(false);
            setMessage(`${name} created.`);
            catalog.reload();
          }}
        />
      )}
      <div className="toolbar">
        <SearchField
          placeholder="Name, SKU or barcode"
          value={search}
          onChange={(value) => {
            setSearch(value);
            setOffset(0);
          }}
        />
        <span className="grow" />
        <Pager
          offset={offset}
          shown={rows.length}
          hasMore={(catalog.data?.length ?? 0) > PAGE_SIZE}
          onOffset={setOffset}
          noun="variants"
        />
      </div>
      <ErrorBanner error={catalog.error} />
      <table className="table products">
        <thead>
          <tr>
            <th>Product</th>
            <th>Variant</th>
            <th>SKU</th>
            <th>Barcode</th>
            <th className="num">Price</th>
            <th className="num">Cost</th>
            <th className="num">Margin</th>
            <th className="num">Margin %</th>
            <th className="num">Min. stock</th>
            <th />
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
                <td>
                  {r.active ? null : <span className="badge status-cancelled">Off sale</span>}
                  <button
                    type="button"
                    className="btn small"
                    onClick={() => setEditing(r.variantId)}
                  >
                    Edit
                  </button>
                </td>
              </tr>
              {editing === r.variantId && (
                <VariantEditor
                  row={r}
                  onDone={(saved) => {
                    setEditing(null);
                    if (saved) {
                      setMessage(`${r.sku} saved.`);
                      catalog.reload();
                    }
                  }}
                />
              )}
            </Fragment>
          ))}
        </tbody>
      </table>
    </div>
  );
}
