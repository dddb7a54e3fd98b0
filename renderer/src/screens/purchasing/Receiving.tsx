// Goods in at a shop or the factory: the approved and partly received purchase orders coming to
// this branch (an admin sees every branch's), opened to receive line by line. Enter on an order's
// number opens it with the focus in its first box; Esc comes back to the list.
import { useState } from 'react';
import { useClient, useQuery, useUser } from '../../app-context';
import { ErrorBanner } from '../../components/Banner';
import { Field } from '../../components/Field';
import { useT } from '../../i18n';
import { actsForAnyBranch } from '../../roles';
import { OrdersTable } from './OrdersTable';
import { PurchaseOrderPage } from './PurchaseOrderPage';
import { useOrderPage } from './order-page';

type Showing = 'open' | 'received' | 'all';

export function Receiving() {
  const t = useT('purchasing');
  const client = useClient();
  const user = useUser();
  const [showing, setShowing] = useState<Showing>('open');
  const [tick, setTick] = useState(0);
  const anyBranch = actsForAnyBranch(user.role);
  const list = useQuery(async () => {
    const of = (status?: 'approved' | 'partly_received' | 'received') =>
      // The core keeps a clerk to their own branch's orders.
      client.call('purchases.list', status ? { status } : {});
    if (showing === 'received') return of('received');
    if (showing === 'all') return of();
    const [approved, partly] = await Promise.all([of('approved'), of('partly_received')]);
    return [...partly, ...approved].sort((a, b) => b.createdAt - a.createdAt);
  }, [showing, tick]);

  const page = useOrderPage('.receiving h1', () => setTick((n) => n + 1));
  const open = page.open;

  return (
    <div className="screen receiving">
      {open && <PurchaseOrderPage key={open} orderId={open} onBack={page.back} />}
      <div hidden={open !== null}>
        <header className="screen-head">
          <h1 tabIndex={-1}>{t('receiving.title')}</h1>
          <p className="muted">{t('receiving.intro')}</p>
        </header>
        <div className="toolbar">
          <Field label={t('receiving.showing')} name="showing" error={undefined}>
            {(p) => (
              <select
                {...p}
                value={showing}
                onChange={(e) =>
                  setShowing(
                    e.target.value === 'received' || e.target.value === 'all'
                      ? e.target.value
                      : 'open',
                  )
                }
              >
                <option value="open">{t('receiving.open')}</option>
                <option value="received">{t('receiving.received')}</option>
                <option value="all">{t('receiving.all')}</option>
              </select>
            )}
          </Field>
        </div>
        <ErrorBanner error={list.error} />
        <OrdersTable
          rows={list.data}
          loading={list.loading}
          showBranch={anyBranch}
          onOpen={(o) => page.openFromList(o.id)}
        />
      </div>
    </div>
  );
}
