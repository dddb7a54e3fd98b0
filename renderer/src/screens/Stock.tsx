// Stock of one branch from the ledger: on hand, reserved for orders, free, on its way. Rows
// below their minimum come first and are marked; "low only" asks the database for just those.
import { useState } from 'react';
import { useClient, useNav, useQuery, useUser } from '../app-context';
import { ErrorBanner } from '../components/Banner';
import { Field, SearchField } from '../components/Field';
import { PAGE_SIZE, Pager } from '../components/Pager';
import { count } from '../format';
import { actsForAnyBranch } from '../roles';

export function Stock() {
  const client = useClient();
  const user = useUser();
  const nav = useNav();
  const chooseBranch = actsForAnyBranch(user.role);
  const branches = useQuery(
    () => (chooseBranch ? client.call('branches.list', {}) : Promise.resolve([])),
    [chooseBranch],
  );
  const stockBranches = (branches.data ?? []).filter((b) => b.kind !== 'head_office');
  const [picked, setPicked] = useState('');
  const branchId = chooseBranch ? picked || stockBranches[0]?.id || '' : user.branchId;
  const [search, setSearch] = useState('');
  const [lowOnly, setLowOnly] = useState(false);
  const [offset, setOffset] = useState(0);
  const stock = useQuery(
    () =>
      branchId
        ? client.call('stock.list', {
            branchId,
            lowOnly,
            ...(search.trim() ? { search: search.trim() } : {}),
            limit: PAGE_SIZE + 1,
            offset,
          })
        : Promise.resolve([]),
    [branchId, lowOnly, search, offset, nav.refresh],
  );
  const rows = (stock.data ?? []).slice(0, PAGE_SIZE);

  return (
    <div className="screen">
      <header className="screen-head">
        <h1>Stock</h1>
        <p className="muted">
          Free = on hand minus what is reserved for orders. Rows below their minimum are marked.
        </p>
      </header>
      <div className="toolbar">
        {chooseBranch && (
          <Field label="Branch" name="branchId" error={undefined}>
            {(p) => (
              <select
                {...p}
                value={branchId}
                onChange={(e) => {
                  setPicked(e.target.value);
                  setOffset(0);
                }}
              >
                {stockBranches.map((b) => (
                  <option key={b.id} value={b.id}>
                    {b.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
        )}
        <SearchField
          placeholder="Name, SKU or barcode"
          value={search}
          onChange={(value) => {
            setSearch(value);
            setOffset(0);
          }}
        />
        <label className="check">
          <input
            type="checkbox"
            checked={lowOnly}
            onChange={(e) => {
              setLowOnly(e.target.checked);
              setOffset(0);
            }}
          />
          Low stock only
        </label>
        <span className="grow" />
        <Pager
          offset={offset}
          shown={rows.length}
          hasMore={(stock.data?.length ?? 0) > PAGE_SIZE}
          onOffset={setOffset}
          noun="items"
        />
      </div>
      <ErrorBanner error={stock.error ?? branches.error} />
      <table className="table stock" data-state={stock.loading ? 'loading' : 'ready'}>
        <thead>
          <tr>
            <th>SKU</th>
            <th>Item</th>
            <th className="num">On hand</th>
            <th className="num">Reserved</th>
            <th className="num">Free</th>
            <th className="num">In transit</th>
            <th className="num">Minimum</th>
            <th>Unit</th>
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 && !stock.loading && (
            <tr>
              <td colSpan={8} className="empty">
                {lowOnly ? 'Nothing is below its minimum.' : 'No items match.'}
              </td>
            </tr>
          )}
          {rows.map((r) => (
            <tr key={r.variantId} data-sku={r.sku} className={r.low ? 'low' : undefined}>
              <td className="sku">{r.sku}</td>
              <td>
                {r.name}
                {r.low ? <span className="badge low-badge">Low</span> : null}
              </td>
              <td className="num" data-col="onHand">
                {count(r.onHand)}
              </td>
              <td className="num" data-col="reserved">
                {count(r.reserved)}
              </td>
              <td className="num strong" data-col="available">
                {count(r.available)}
              </td>
              <td className="num" data-col="inTransit">
                {count(r.inTransit)}
              </td>
              <td className="num">{count(r.minStock)}</td>
              <td>{r.unit}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
