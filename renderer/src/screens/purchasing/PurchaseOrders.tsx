// Purchase orders for head office's buyers (admin and finance): the list by status and branch,
// the reorder run now and its last runs, and (admin) the purchasing settings. Enter on an order's
// number opens it; Esc comes back to the list with the focus where it was.
import { useRef, useState } from 'react';
import { useClient, useQuery, useUser } from '../../app-context';
import { ErrorBanner } from '../../components/Banner';
import { Field } from '../../components/Field';
import { useT } from '../../i18n';
import { can } from '../../roles';
import { OrdersTable } from './OrdersTable';
import { PurchaseOrderPage } from './PurchaseOrderPage';
import { PurchasingSettings } from './PurchasingSettings';
import { RunPanel } from './RunPanel';
import { purchaseStatuses, statusWord, type PurchaseStatus } from './shared';

const isStatus = (s: string): s is PurchaseStatus =>
  (purchaseStatuses as readonly string[]).includes(s);

export function PurchaseOrders() {
  const t = useT('purchasing');
  const client = useClient();
  const user = useUser();
  const [status, setStatus] = useState<PurchaseStatus | ''>('');
  const [branchId, setBranchId] = useState('');
  const [open, setOpen] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  const opener = useRef<HTMLElement | null>(null);
  const branches = useQuery(() => client.call('branches.list', {}), []);
  const list = useQuery(
    () =>
      client.call('purchases.list', {
        ...(status && { status }),
        ...(branchId && { branchId }),
      }),
    [status, branchId, tick],
  );

  const back = () => {
    setOpen(null);
    setTick((n) => n + 1);
    setTimeout(() => {
      const el = opener.current;
      if (el?.isConnected && el.offsetParent !== null) el.focus();
      else document.querySelector<HTMLElement>('.purchase-orders h1')?.focus();
    }, 0);
  };

  return (
    <div className="screen purchase-orders">
      {open && <PurchaseOrderPage key={open} orderId={open} onBack={back} />}
      <div hidden={open !== null}>
        <header className="screen-head">
          <h1>{t('orders.title')}</h1>
          <p className="muted">{t('orders.intro')}</p>
        </header>
        <div className="toolbar">
          <Field label={t('orders.status')} name="status" error={undefined}>
            {(p) => (
              <select
                {...p}
                value={status}
                onChange={(e) => setStatus(isStatus(e.target.value) ? e.target.value : '')}
              >
                <option value="">{t('orders.anyStatus')}</option>
                {purchaseStatuses.map((s) => (
                  <option key={s} value={s}>
                    {statusWord(t, s)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label={t('orders.branch')} name="branchId" error={undefined}>
            {(p) => (
              <select {...p} value={branchId} onChange={(e) => setBranchId(e.target.value)}>
                <option value="">{t('allBranches')}</option>
                {branches.data?.map((b) => (
                  <option key={b.id} value={b.id}>
                    {b.code} · {b.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
        <ErrorBanner error={list.error} />
        <OrdersTable
          rows={list.data}
          loading={list.loading}
          onOpen={(o) => {
            opener.current =
              document.activeElement instanceof HTMLElement ? document.activeElement : null;
            setOpen(o.id);
          }}
        />
        {can(user, 'purchasing.manage') && <RunPanel onRan={() => setTick((n) => n + 1)} />}
        {can(user, 'company.manage') && <PurchasingSettings />}
      </div>
    </div>
  );
}
