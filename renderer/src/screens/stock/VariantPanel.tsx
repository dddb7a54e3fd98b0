// One variant of the stock list: adjust it with a reason, and its movement history.
import { useEffect, useRef, useState } from 'react';
import { useAction, useClient, useQuery, useUser } from '../../app-context';
import { ErrorBanner, Notice } from '../../components/Banner';
import { TextField } from '../../components/Field';
import { count, dateTime, parseCount } from '../../format';
import { useT } from '../../i18n';
import { can } from '../../roles';
import type { StockRow } from '../../../../core/stock/commands';

export function VariantPanel(props: {
  branchId: string;
  row: StockRow;
  changed: number;
  onChanged: () => void;
  onClose: () => void;
}) {
  const t = useT('stock');
  const client = useClient();
  const user = useUser();
  const action = useAction();
  const [quantity, setQuantity] = useState('');
  const [reason, setReason] = useState('');
  const [done, setDone] = useState<string | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const { branchId, row } = props;
  useEffect(() => heading.current?.focus(), [row.variantId]);
  const movements = useQuery(
    () => client.call('stock.movements', { branchId, variantId: row.variantId, limit: 20 }),
    [branchId, row.variantId, props.changed],
  );

  const adjust = async () => {
    const q = parseCount(quantity);
    const result = await action.run(() =>
      client.call('stock.adjust', { branchId, variantId: row.variantId, quantity: q, reason }),
    );
    if (result) {
      setDone(t('adjust.done', { sku: row.sku, onHand: count(result.onHand) }));
      setQuantity('');
      setReason('');
      props.onChanged();
    }
  };

  return (
    <section className="panel" aria-labelledby="variant-heading">
      <h2 id="variant-heading" ref={heading} tabIndex={-1}>
        {row.sku} · {row.name}
      </h2>
      {can(user, 'stock.adjust') && (
        <form
          aria-label={t('adjust.title')}
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void adjust();
          }}
          onKeyDown={(e) => {
            if (e.key === 'Escape') props.onClose();
          }}
        >
          {done && <Notice kind="success">{done}</Notice>}
          <TextField
            label={t('adjust.quantity')}
            name="quantity"
            error={action.error}
            hint={t('adjust.quantityHint')}
            value={quantity}
            onChange={setQuantity}
            inputMode="numeric"
          />
          <TextField
            label={t('adjust.reason')}
            name="reason"
            error={action.error}
            value={reason}
            onChange={setReason}
          />
          <ErrorBanner error={action.error} shown={['quantity', 'reason']} />
          <div className="actions">
            <button type="submit" className="primary" disabled={action.busy}>
              {t('adjust.submit')}
            </button>
            <button type="button" onClick={props.onClose}>
              {t('close')}
            </button>
          </div>
        </form>
      )}
      <h3>{t('movements.title')}</h3>
      <ErrorBanner error={movements.error} />
      <table className="table" aria-label={t('movements.title')}>
        <thead>
          <tr>
            <th>{t('movements.when')}</th>
            <th>{t('movements.kind')}</th>
            <th className="num">{t('col.onHand')}</th>
            <th className="num">{t('col.inTransit')}</th>
            <th>{t('movements.reason')}</th>
          </tr>
        </thead>
        <tbody>
          {(movements.data ?? []).length === 0 && !movements.loading && (
            <tr>
              <td colSpan={5} className="empty">
                {t('movements.none')}
              </td>
            </tr>
          )}
          {(movements.data ?? []).map((m, i) => (
            <tr key={i}>
              <td>{dateTime(m.createdAt)}</td>
              <td>{t(`kind.${m.kind}`)}</td>
              <td className="num">{m.onHand ? count(m.onHand) : ''}</td>
              <td className="num">{m.inTransit ? count(m.inTransit) : ''}</td>
              <td>{m.reason ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
