// A customer's money: a payment taken at the branch (amount, how, and the transaction's reference
// for a transfer or mobile money), and their account: the balance and the rows it sums.
import { useState } from 'react';
import { useAction, useClient, useQuery } from '../../app-context';
import { AccountRows } from '../../components/AccountRows';
import { ErrorBanner } from '../../components/Banner';
import { FormActions } from '../../components/FormActions';
import { Dialog } from '../../components/Dialog';
import { SelectField, TextField } from '../../components/Field';
import { companyCurrency, money, parseMoney } from '../../format';
import { useT } from '../../i18n';
import { paymentMethods, referencedMethods, type PaymentMethod } from '../../../../core/vocabulary';

export function PaymentDialog({
  customerId,
  customerName,
  onDone,
  onClose,
}: {
  customerId: string;
  customerName: string;
  onDone(balance: number): void;
  onClose(): void;
}) {
  const t = useT('field');
  const client = useClient();
  const action = useAction();
  const [amount, setAmount] = useState('');
  const [method, setMethod] = useState<PaymentMethod>('cash');
  const [reference, setReference] = useState('');
  const [badAmount, setBadAmount] = useState<string | undefined>(undefined);
  const needsReference = referencedMethods.includes(method);

  const save = async () => {
    const minor = parseMoney(amount);
    if (minor === null || minor <= 0) {
      setBadAmount(t('payment.badAmount', { currency: companyCurrency().code }));
      return;
    }
    setBadAmount(undefined);
    const done = await action.run(() =>
      client.call('field.recordPayment', {
        customerId,
        amount: minor,
        method,
        ...(reference.trim() && { reference: reference.trim() }),
      }),
    );
    if (done) onDone(done.balance);
  };

  return (
    <Dialog title={t('payment.title', { name: customerName })} onClose={onClose}>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <div className="form-grid">
          <TextField
            label={t('payment.amount', { currency: companyCurrency().code })}
            name="amount"
            error={action.error}
            localError={badAmount}
            autoFocus
            autoComplete="off"
            inputMode="decimal"
            value={amount}
            onChange={setAmount}
          />
          <SelectField
            label={t('payment.method')}
            name="method"
            error={action.error}
            choices={paymentMethods.map((m) => ({ value: m, label: t(`method.${m}`) }))}
            value={method}
            onChange={(v) => setMethod(v as PaymentMethod)}
          />
          {needsReference && (
            <TextField
              label={t('payment.reference')}
              name="reference"
              error={action.error}
              hint={t('payment.referenceHint')}
              autoComplete="off"
              value={reference}
              onChange={setReference}
            />
          )}
        </div>
        <ErrorBanner error={action.error} shown={['amount', 'method', 'reference']} />
        <FormActions
          save={t('payment.save')}
          disabled={action.busy}
          cancel={t('cancel')}
          onCancel={onClose}
        />
      </form>
    </Dialog>
  );
}

/** The customer's account: balance (what they owe), credit limit, and its rows newest first. */
export function Account({ customerId, version }: { customerId: string; version: number }) {
  const t = useT('field');
  const client = useClient();
  const account = useQuery(
    () => client.call('field.account', { customerId, limit: 100 }),
    [customerId, version],
  );
  const a = account.data;
  return (
    <section className="panel" aria-label={t('account.title')}>
      <h2>{t('account.title')}</h2>
      <ErrorBanner error={account.error} />
      {a && (
        <>
          <dl className="facts">
            <dt>{t('customer.balance')}</dt>
            <dd data-fact="accountBalance" className="strong">
              {money(a.balance)}
            </dd>
            <dt>{t('customer.creditLimit')}</dt>
            <dd>{a.creditLimit === null ? t('customer.noLimit') : money(a.creditLimit)}</dd>
          </dl>
          <AccountRows
            rows={a.rows}
            words={{
              table: t('account.rows'),
              when: t('account.when'),
              what: t('account.what'),
              order: t('account.order'),
              how: t('account.how'),
              amount: t('account.amount'),
              none: t('account.none'),
              kind: (k) => t(`account.kind.${k}`),
              method: (m) => t(`method.${m}`),
            }}
          />
        </>
      )}
    </section>
  );
}
