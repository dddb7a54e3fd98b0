// Purchase orders for head office's buyers (admin and finance): the list by status and branch,
// an order drafted by hand (F2), the reorder run now and its last runs, the exchange rates and
// (admin) the purchasing settings. Enter on an order's number opens it; Esc comes back to the list
// with the focus where it was.
import { useRef, useState } from 'react';
import { useClient, useQuery, useUser } from '../../app-context';
import { ErrorBanner } from '../../components/Banner';
import { Field } from '../../components/Field';
import { useT } from '../../i18n';
import { can } from '../../roles';
import { ExchangeRates } from './ExchangeRates';
import { NewOrderForm } from './NewOrderForm';
import { OrdersTable } from './OrdersTable';
import { PurchaseOrderPage } from './PurchaseOrderPage';
import { PurchasingSettings } from './PurchasingSettings';
import { RunPanel } from './RunPanel';
import { focusSoon, purchaseStatuses, statusWord, type PurchaseStatus } from './shared';

const isStatus = (s: string): s is PurchaseStatus =>
  (purchaseStatuses as readonly string[]).includes(s);

export function PurchaseOrders() {
  const t = useT('purchasing');
  const client = useClient();
  const user = useUser();
  const [status, setStatus] = useState<PurchaseStatus | ''>('');
  const [branchId, setBranchId] = useState('');
  const [open, setOpen] = useState<string | null>(null);
  const [drafting, setDrafting] = useState(false);
  const manage = can(user, 'purchasing.manage');
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

  const startDraft = () => {
    setDrafting(true);
  };

  return (
    <div
      className="screen purchase-orders"
      onKeyDown={(e) => {
        if (e.key === 'F2' && manage && open === null && !drafting && !e.defaultPrevented) {
          e.preventDefault();
          startDraft();
        }
      }}
    >
      {open && <PurchaseOrderPage key={open} orderId={open} onBack={back} />}
      <div hidden={open !== null}>
        <header className="screen-head row">
          <div>
            <h1 tabIndex={-1}>{t('orders.title')}</h1>
            <p className="muted">{t('orders.intro')}</p>
          </div>
          <span className="grow" />
          {manage && !drafting && (
            <button type="button" className="btn primary" data-new-order onClick={startDraft}>
              {t('newOrder.title')} <kbd>F2</kbd>
            </button>
          )}
        </header>
        {drafting && (
          <NewOrderForm
            onDrafted={(id) => {
              setDrafting(false);
              setTick((n) => n + 1);
              opener.current = null;
              setOpen(id);
            }}
            onCancel={() => {
              setDrafting(false);
              focusSoon('[data-new-order]');
            }}
          />
        )}
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
        {manage && <RunPanel onRan={() => setTick((n) => n + 1)} />}
        <ExchangeRates />
        {can(user, 'company.manage') && <PurchasingSettings />}
      </div>
    </div>
  );
}
