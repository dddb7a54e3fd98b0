// Stock of one branch from the ledger, and the work done on it: adjust with a reason, count,
// send and receive transfers; an admin chooses between overlapping counts. One screen, four
// views, so every role reaches them from the same sidebar entry.
import { useState } from 'react';
import { useClient, useNav, useQuery, useUser } from '../app-context';
import { ErrorBanner } from '../components/Banner';
import { Field, SearchField } from '../components/Field';
import { PAGE_SIZE, Pager } from '../components/Pager';
import { count } from '../format';
import { useT } from '../i18n';
import { actsForAnyBranch, can } from '../roles';
import type { StockRow } from '../../../core/stock/commands';
import { VariantPanel } from './stock/VariantPanel';
import { Counts } from './stock/Counts';
import { Transfers } from './stock/Transfers';
import { HeldCounts } from './stock/HeldCounts';

type View = 'list' | 'counts' | 'transfers' | 'held';

export function Stock() {
  const t = useT('stock');
  const client = useClient();
  const user = useUser();
  const nav = useNav();
  const chooseBranch = actsForAnyBranch(user.role);
  const branches = useQuery(() => client.call('branches.list', {}), []);
  const stockBranches = (branches.data ?? []).filter((b) => b.kind !== 'head_office');
  const [picked, setPicked] = useState('');
  const branchId = chooseBranch ? picked || stockBranches[0]?.id || '' : user.branchId;
  const [view, setView] = useState<View>('list');
  const views: View[] = [
    'list',
    'counts',
    'transfers',
    ...(can(user, 'branches.manage') ? (['held'] as const) : []),
  ];

  return (
    <div className="screen">
      <header className="screen-head">
        <h1>{t('title')}</h1>
        <p className="muted">{t(`intro.${view}`)}</p>
      </header>
      <div className="toolbar" role="group" aria-label={t('views')}>
        {views.map((v) => (
          <button
            key={v}
            type="button"
            className={view === v ? 'primary' : undefined}
            aria-pressed={view === v}
            onClick={() => setView(v)}
          >
            {t(`view.${v}`)}
          </button>
        ))}
        <span className="grow" />
        {chooseBranch && view !== 'held' && (
          <Field label={t('branch')} name="branchId" error={undefined}>
            {(p) => (
              <select {...p} value={branchId} onChange={(e) => setPicked(e.target.value)}>
                {stockBranches.map((b) => (
                  <option key={b.id} value={b.id}>
                    {b.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
        )}
      </div>
      <ErrorBanner error={branches.error} />
      {branchId && view === 'list' && (
        <StockList
          branchId={branchId}
          refresh={nav.refresh}
          scanned={'scan' in nav.route ? nav.route.scan : undefined}
        />
      )}
      {branchId && view === 'counts' && <Counts branchId={branchId} />}
      {branchId && view === 'transfers' && (
        <Transfers branchId={branchId} branches={stockBranches} />
      )}
      {view === 'held' && <HeldCounts />}
    </div>
  );
}

function StockList({
  branchId,
  refresh,
  scanned,
}: {
  branchId: string;
  refresh: unknown;
  /** A code scanned on another screen, which opened this one: the list shows its item. */
  scanned?: string | undefined;
}) {
  const t = useT('stock');
  const client = useClient();
  const [search, setSearch] = useState(scanned ?? '');
  const [lowOnly, setLowOnly] = useState(false);
  const [offset, setOffset] = useState(0);
  const [chosen, setChosen] = useState<StockRow | null>(null);
  const [changed, setChanged] = useState(0);
  const stock = useQuery(
    () =>
      client.call('stock.list', {
        branchId,
        lowOnly,
        ...(search.trim() ? { search: search.trim() } : {}),
        limit: PAGE_SIZE + 1,
        offset,
      }),
    [branchId, lowOnly, search, offset, refresh, changed],
  );
  const rows = (stock.data ?? []).slice(0, PAGE_SIZE);
  const current = chosen ? (rows.find((r) => r.variantId === chosen.variantId) ?? chosen) : null;

  return (
    <>
      <div className="toolbar">
        <SearchField
          placeholder={t('search')}
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
          {t('lowOnly')}
        </label>
        <span className="grow" />
        <Pager
          offset={offset}
          shown={rows.length}
          hasMore={(stock.data?.length ?? 0) > PAGE_SIZE}
          onOffset={setOffset}
          noun={t('items')}
        />
      </div>
      <ErrorBanner error={stock.error} />
      <div className={current ? 'split' : undefined}>
        <table className="table stock" data-state={stock.loading ? 'loading' : 'ready'}>
          <thead>
            <tr>
              <th>{t('col.sku')}</th>
              <th>{t('col.item')}</th>
              <th className="num">{t('col.onHand')}</th>
              <th className="num">{t('col.reserved')}</th>
              <th className="num">{t('col.free')}</th>
              <th className="num">{t('col.inTransit')}</th>
              <th className="num">{t('col.minimum')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.length === 0 && !stock.loading && (
              <tr>
                <td colSpan={7} className="empty">
                  {lowOnly ? t('noneLow') : t('noneMatch')}
                </td>
              </tr>
            )}
            {rows.map((r) => (
              <tr
                key={r.variantId}
                data-sku={r.sku}
                className={
                  [r.low ? 'low' : '', current?.variantId === r.variantId ? 'selected' : '']
                    .join(' ')
                    .trim() || undefined
                }
              >
                <td className="sku">
                  <button type="button" className="link" onClick={() => setChosen(r)}>
                    {r.sku}
                  </button>
                </td>
                <td>
                  {r.name}
                  {r.low ? <span className="badge low-badge">{t('low')}</span> : null}
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
              </tr>
            ))}
          </tbody>
        </table>
        {current && (
          <VariantPanel
            branchId={branchId}
            row={current}
            changed={changed}
            onChanged={() => setChanged((n) => n + 1)}
            onClose={() => setChosen(null)}
          />
        )}
      </div>
    </>
  );
}
