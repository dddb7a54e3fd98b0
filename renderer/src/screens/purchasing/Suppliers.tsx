// Suppliers, for head office's buyers (admin and finance): the list, a supplier's details, and
// what each sells us with its price history. From the keyboard: F2 adds a supplier, Enter on a
// name opens it, Esc goes back to the list with the focus where it was.
import { useRef, useState } from 'react';
import { useClient, useQuery, useUser } from '../../app-context';
import { ErrorBanner, Notice } from '../../components/Banner';
import { count } from '../../format';
import { focusBackLater } from '../../focus';
import { useT } from '../../i18n';
import { can } from '../../roles';
import { SupplierForm, type SupplierRow } from './SupplierForm';
import { SupplierItems } from './SupplierItems';

type View = { kind: 'list' } | { kind: 'new' } | { kind: 'open'; supplier: SupplierRow };

export function Suppliers() {
  const t = useT('purchasing');
  const client = useClient();
  const user = useUser();
  const manage = can(user, 'purchasing.manage');
  const [view, setView] = useState<View>({ kind: 'list' });
  const [said, setSaid] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  const opener = useRef<HTMLElement | null>(null);
  const list = useQuery(() => client.call('suppliers.list', { includeInactive: true }), [tick]);

  const remember = () => {
    opener.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  };
  const backToList = () => {
    setView({ kind: 'list' });
    setTick((n) => n + 1);
    focusBackLater(opener.current, '.suppliers [data-new-supplier]');
  };
  const startNew = () => {
    remember();
    setSaid(null);
    setView({ kind: 'new' });
  };

  return (
    <div
      className="screen suppliers"
      onKeyDown={(e) => {
        if (e.key === 'F2' && view.kind === 'list' && manage && !e.defaultPrevented) {
          e.preventDefault();
          startNew();
        }
      }}
    >
      <header className="screen-head row">
        <div>
          <h1>{t('suppliers.title')}</h1>
          <p className="muted">{t('suppliers.intro')}</p>
        </div>
        <span className="grow" />
        {view.kind === 'list' && manage && (
          <button type="button" className="btn primary" data-new-supplier onClick={startNew}>
            {t('suppliers.new')} <kbd>F2</kbd>
          </button>
        )}
      </header>
      {said && <Notice kind="success">{said}</Notice>}
      {view.kind === 'new' && (
        <SupplierForm
          supplier={null}
          onSaved={(id, name) => {
            setSaid(t('suppliers.saved', { name }));
            setTick((n) => n + 1);
            void client.call('suppliers.list', { includeInactive: true }).then((rows) => {
              const made = rows.find((r) => r.id === id);
              if (made) setView({ kind: 'open', supplier: made });
              else backToList();
            });
          }}
          onCancel={backToList}
        />
      )}
      {view.kind === 'open' && (
        <>
          <SupplierForm
            key={view.supplier.id}
            supplier={view.supplier}
            onSaved={(_, name) => {
              setSaid(t('suppliers.saved', { name }));
              setTick((n) => n + 1);
            }}
            onCancel={backToList}
          />
          <SupplierItems supplierId={view.supplier.id} currencyCode={view.supplier.currencyCode} />
        </>
      )}
      <div hidden={view.kind !== 'list'}>
        <ErrorBanner error={list.error} />
        <div className="table-wrap">
          <table
            className="table compact"
            aria-label={t('suppliers.table')}
            data-state={list.loading ? 'loading' : 'ready'}
          >
            <thead>
              <tr>
                <th scope="col">{t('col.supplier')}</th>
                <th scope="col">{t('col.currency')}</th>
                <th scope="col" className="num">
                  {t('col.leadTime')}
                </th>
                <th scope="col" className="num">
                  {t('col.items')}
                </th>
                <th scope="col">{t('col.phone')}</th>
              </tr>
            </thead>
            <tbody>
              {list.data?.length === 0 && (
                <tr>
                  <td colSpan={5} className="empty">
                    {t('suppliers.none')}
                  </td>
                </tr>
              )}
              {list.data?.map((s) => (
                <tr key={s.id} data-supplier={s.name}>
                  <td>
                    <button
                      type="button"
                      className="link"
                      onClick={() => {
                        remember();
                        setSaid(null);
                        setView({ kind: 'open', supplier: s });
                      }}
                    >
                      {s.name}
                    </button>
                    {!s.active && <span className="muted small"> {t('inactive')}</span>}
                  </td>
                  <td>{s.currencyCode}</td>
                  <td className="num">{t('days', { n: count(s.leadTimeDays) })}</td>
                  <td className="num">{count(s.items)}</td>
                  <td>{s.phone ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </div>
    </div>
  );
}
