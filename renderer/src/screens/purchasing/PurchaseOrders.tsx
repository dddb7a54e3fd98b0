// Purchase orders for head office's buyers (admin and finance): the list by status and branch,
// an order drafted by hand (F2), the reorder run now and its last runs, the exchange rates and
// (admin) the purchasing settings. Enter on an order's number opens it; Esc comes back to the list
// with the focus where it was.
import { useState } from 'react';
import { useClient, useQuery, useUser } from '../../app-context';
import { ErrorBanner } from '../../components/Banner';
import { Field } from '../../components/Field';
import { useT } from '../../i18n';
import { can } from '../../roles';
import { BranchSelect } from './Choices';
import { ExchangeRates } from './ExchangeRates';
import { NewOrderForm } from './NewOrderForm';
import { OrdersTable } from './OrdersTable';
import { PurchaseOrderPage } from './PurchaseOrderPage';
import { PurchasingSettings } from './PurchasingSettings';
import { RunPanel } from './RunPanel';
import { focusSoon, purchaseStatuses, statusWord, type PurchaseStatus } from './shared';
import { useOrderPage } from './order-page';

const isStatus = (s: string): s is PurchaseStatus =>
  (purchaseStatuses as readonly string[]).includes(s);

export function PurchaseOrders() {
  const t = useT('purchasing');
  const client = useClient();
  const user = useUser();
  const [status, setStatus] = useState<PurchaseStatus | ''>('');
  const [branchId, setBranchId] = useState('');
  const [drafting, setDrafting] = useState(false);
  const manage = can(user, 'purchasing.manage');
  const [tick, setTick] = useState(0);
  const branches = useQuery(() => client.call('branches.list', {}), []);
  const list = useQuery(
    () =>
      client.call('purchases.list', {
        ...(status && { status }),
        ...(branchId && { branchId }),
      }),
    [status, branchId, tick],
  );

  const page = useOrderPage('.purchase-orders h1', () => setTick((n) => n + 1));
  const open = page.open;

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
      {open && <PurchaseOrderPage key={open} orderId={open} onBack={page.back} />}
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
              page.openNew(id);
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
          <BranchSelect
            label={t('orders.branch')}
            name="branchId"
            error={undefined}
            branches={branches.data}
            none={t('allBranches')}
            value={branchId}
            onChange={setBranchId}
          />
        </div>
        <ErrorBanner error={list.error} />
        <OrdersTable
          rows={list.data}
          loading={list.loading}
          onOpen={(o) => page.openFromList(o.id)}
        />
        {manage && <RunPanel onRan={() => setTick((n) => n + 1)} />}
        <ExchangeRates />
        {can(user, 'company.manage') && <PurchasingSettings />}
      </div>
    </div>
  );
}
