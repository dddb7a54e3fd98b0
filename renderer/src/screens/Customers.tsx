// Customers, for every shop: found by phone (however it is written), name or a scanned loyalty
// card, a page at a time with each one's tier and points; added, corrected, and opened to see
// their points' history and recent sales. From the keyboard: / searches, Enter opens the first
// found (or adds one when none is), ↓ ↑ move down the list, F2 adds a new customer.
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useClient, useQuery } from '../app-context';
import { ErrorBanner, Notice } from '../components/Banner';
import { SearchField } from '../components/Field';
import { PAGE_SIZE, Pager } from '../components/Pager';
import { count } from '../format';
import { focusBackLater } from '../focus';
import { useT } from '../i18n';
import { CustomerDetail } from './customers/CustomerDetail';
import {
  CustomerForm,
  guessFrom,
  type CustomerFields,
  type CustomerRow,
} from './customers/CustomerForm';

type View =
  | { kind: 'list' }
  | { kind: 'new'; initial: CustomerFields }
  | { kind: 'detail'; customer: CustomerRow };

/** ↓ ↑ between the list's open buttons; ↑ from the first goes back to the search box. */
function moveInList(e: KeyboardEvent<HTMLElement>) {
  if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
  const screen = e.currentTarget.closest('.customers');
  const buttons = [...(screen?.querySelectorAll<HTMLElement>('[data-open-customer]') ?? [])];
  const at = buttons.findIndex((b) => b === document.activeElement);
  const next = at + (e.key === 'ArrowDown' ? 1 : -1);
  e.preventDefault();
  if (next < 0) screen?.querySelector<HTMLElement>('[data-search]')?.focus();
  else buttons[Math.min(next, buttons.length - 1)]?.focus();
}

export function Customers() {
  const t = useT('customers');
  const client = useClient();
  const [search, setSearch] = useState('');
  const [offset, setOffset] = useState(0);
  const [view, setView] = useState<View>({ kind: 'list' });
  const [said, setSaid] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  const opener = useRef<HTMLElement | null>(null);
  const typed = search.trim();
  const list = useQuery(
    () =>
      client.call('customers.list', {
        ...(typed && { search: typed }),
        limit: PAGE_SIZE + 1,
        offset,
      }),
    [typed, offset, tick],
  );
  const rows = (list.data ?? []).slice(0, PAGE_SIZE);

  const open = (customer: CustomerRow) => {
    opener.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    setSaid(null);
    setView({ kind: 'detail', customer });
  };
  const backToList = () => {
    setView({ kind: 'list' });
    setTick((n) => n + 1);
    // The list was only hidden: focus goes back to where the customer was opened from.
    focusBackLater(opener.current, '.customers [data-search]');
  };
  const startNew = (initial: CustomerFields = { name: '', phone: '', card: '' }) => {
    opener.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    setSaid(null);
    setView({ kind: 'new', initial });
  };

  /** Enter in the search box: the first customer found, or a new one when nobody matches. */
  const submitSearch = async () => {
    if (!typed) return;
    const found = await client
      .call('customers.list', { search: typed, limit: 1, offset: 0 })
      .catch(() => rows);
    const first = found[0];
    if (first) open(first);
    else startNew(guessFrom(typed));
  };

  const onF2 = (e: { key: string; defaultPrevented: boolean; preventDefault(): void }) => {
    if (e.key === 'F2' && view.kind === 'list' && !e.defaultPrevented) {
      e.preventDefault();
      startNew(typed ? guessFrom(typed) : undefined);
    }
  };
  // The list drawn again (back from a customer) can take away the row that had the focus: F2
  // still adds a customer while the focus is nowhere in particular.
  const f2 = useRef(onF2);
  f2.current = onF2;
  useEffect(() => {
    const nowhere = (e: globalThis.KeyboardEvent) => {
      if (document.activeElement === document.body || document.activeElement === null)
        f2.current(e);
    };
    document.addEventListener('keydown', nowhere);
    return () => document.removeEventListener('keydown', nowhere);
  }, []);

  return (
    <div className="screen customers" onKeyDown={onF2}>
      <header className="screen-head row">
        <div>
          <h1>{t('title')}</h1>
          <p className="muted">{t('intro')}</p>
        </div>
        <span className="grow" />
        {view.kind === 'list' && (
          <button type="button" className="btn primary" onClick={() => startNew()}>
            {t('new')} <kbd>F2</kbd>
          </button>
        )}
      </header>
      {said && <Notice kind="success">{said}</Notice>}
      {view.kind === 'new' && (
        <CustomerForm
          customer={null}
          initial={view.initial}
          onSaved={(id, fields) => {
            setSaid(t('added', { name: fields.name }));
            setSearch(fields.phone || fields.card || fields.name);
            setOffset(0);
            setTick((n) => n + 1);
            setView({
              kind: 'detail',
              customer: {
                id,
                branchId: '',
                name: fields.name,
                phone: fields.phone || null,
                card: fields.card || null,
                address: fields.address || null,
                lat: fields.lat ? Number(fields.lat.replace(',', '.')) : null,
                lng: fields.lng ? Number(fields.lng.replace(',', '.')) : null,
                tier: null,
                points: null,
              },
            });
          }}
          onOpenExisting={open}
          onCancel={backToList}
        />
      )}
      {view.kind === 'detail' && (
        <CustomerDetail
          key={view.customer.id}
          customer={view.customer}
          onChanged={(customer) => {
            setView({ kind: 'detail', customer });
            setTick((n) => n + 1);
          }}
          onOpen={open}
          onBack={backToList}
        />
      )}
      <div hidden={view.kind !== 'list'}>
        <form
          className="toolbar"
          role="search"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void submitSearch();
          }}
          onKeyDown={(e) => {
            if (e.key === 'ArrowDown') moveInList(e);
          }}
        >
          <SearchField
            placeholder={t('search')}
            value={search}
            onChange={(v) => {
              setSearch(v);
              setOffset(0);
            }}
          />
          <p className="muted small">{t('searchHint')}</p>
        </form>
        <ErrorBanner error={list.error} />
        <div className="table-wrap">
          <table
            className="table compact"
            aria-label={t('table')}
            data-state={list.loading ? 'loading' : 'ready'}
            onKeyDown={moveInList}
          >
            <thead>
              <tr>
                <th scope="col">{t('col.name')}</th>
                <th scope="col">{t('col.phone')}</th>
                <th scope="col">{t('col.card')}</th>
                <th scope="col">{t('col.tier')}</th>
                <th scope="col" className="num">
                  {t('col.points')}
                </th>
              </tr>
            </thead>
            <tbody>
              {!list.loading && rows.length === 0 && (
                <tr>
                  <td colSpan={5} className="empty">
                    {typed ? t('none', { search: typed }) : t('empty')}
                  </td>
                </tr>
              )}
              {rows.map((c) => (
                <tr key={c.id} data-customer={c.name}>
                  <td>
                    <button
                      type="button"
                      className="link"
                      data-open-customer
                      onClick={() => open(c)}
                    >
                      {c.name}
                    </button>
                  </td>
                  <td>{c.phone ?? '—'}</td>
                  <td>{c.card ?? '—'}</td>
                  <td>{c.tier ?? '—'}</td>
                  <td className="num">
                    {c.points ? count(c.points.balance) : '—'}
                    {c.points && c.points.pending > 0 && (
                      <span className="muted">
                        {' '}
                        {t('pendingCell', { n: count(c.points.pending) })}
                      </span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <Pager
          offset={offset}
          shown={rows.length}
          hasMore={(list.data?.length ?? 0) > PAGE_SIZE}
          onOffset={setOffset}
          noun={t('noun')}
        />
      </div>
    </div>
  );
}
