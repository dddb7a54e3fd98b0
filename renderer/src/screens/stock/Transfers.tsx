// Transfers of one branch: send stock to another branch (off here now, in transit there), and
// receive what was sent here, saying what arrived.
import { useState } from 'react';
import { useAction, useClient, useQuery, useUser } from '../../app-context';
import { ErrorBanner, Notice } from '../../components/Banner';
import { Field, TextField } from '../../components/Field';
import { count, dateTime, parseCount } from '../../format';
import { useT } from '../../i18n';
import { can } from '../../roles';
import type { TransferRow } from '../../../../core/stock/commands';

export function Transfers(props: {
  branchId: string;
  branches: readonly { id: string; name: string }[];
}) {
  const t = useT('stock');
  const client = useClient();
  const user = useUser();
  const action = useAction();
  const { branchId } = props;
  const others = props.branches.filter((b) => b.id !== branchId);
  const [to, setTo] = useState('');
  const [code, setCode] = useState('');
  const [quantity, setQuantity] = useState('');
  const [note, setNote] = useState('');
  const [done, setDone] = useState<string | null>(null);
  const [receiving, setReceiving] = useState<TransferRow | null>(null);
  const [changed, setChanged] = useState(0);
  const list = useQuery(
    () => client.call('stock.transfers', { branchId, limit: 50 }),
    [branchId, changed],
  );
  const toBranchId = to || others[0]?.id || '';

  const send = async () => {
    const result = await action.run(async () => {
      const variant = await client.call('catalog.findByCode', { code: code.trim() });
      return client.call('stock.transfer', {
        fromBranchId: branchId,
        toBranchId,
        variantId: variant?.variantId ?? code.trim(),
        quantity: parseCount(quantity),
        reason: note.trim() || null,
      });
    });
    if (result) {
      setDone(t('transfer.sent', { quantity, code }));
      setCode('');
      setQuantity('');
      setNote('');
      setChanged((n) => n + 1);
    }
  };

  return (
    <>
      {done && <Notice kind="success">{done}</Notice>}
      {can(user, 'stock.transfer') && (
        <form
          className="toolbar"
          aria-label={t('transfer.send')}
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void send();
          }}
        >
          <Field label={t('transfer.to')} name="toBranchId" error={action.error}>
            {(p) => (
              <select {...p} value={toBranchId} onChange={(e) => setTo(e.target.value)}>
                {others.map((b) => (
                  <option key={b.id} value={b.id}>
                    {b.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <TextField
            label={t('transfer.code')}
            name="variantId"
            error={action.error}
            value={code}
            onChange={setCode}
            autoComplete="off"
          />
          <TextField
            label={t('transfer.quantity')}
            name="quantity"
            error={action.error}
            value={quantity}
            onChange={setQuantity}
            inputMode="numeric"
          />
          <TextField
            label={t('transfer.note')}
            name="reason"
            error={action.error}
            value={note}
            onChange={setNote}
          />
          <button type="submit" className="primary" disabled={action.busy}>
            {t('transfer.send')}
          </button>
        </form>
      )}
      <ErrorBanner
        error={action.error ?? list.error}
        shown={['toBranchId', 'variantId', 'quantity', 'reason']}
      />
      {receiving && (
        <Receive
          transfer={receiving}
          onDone={() => {
            setReceiving(null);
            setChanged((n) => n + 1);
          }}
        />
      )}
      <table className="table" aria-label={t('transfer.list')}>
        <thead>
          <tr>
            <th>{t('transfer.sentAt')}</th>
            <th>{t('transfer.from')}</th>
            <th>{t('transfer.to')}</th>
            <th>{t('col.item')}</th>
            <th className="num">{t('transfer.quantity')}</th>
            <th className="num">{t('transfer.received')}</th>
            <th>{t('transfer.status')}</th>
            <th>
              <span className="sr-only">{t('transfer.receive')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {(list.data ?? []).length === 0 && !list.loading && (
            <tr>
              <td colSpan={8} className="empty">
                {t('transfer.none')}
              </td>
            </tr>
          )}
          {(list.data ?? []).map((r) => (
            <tr key={r.id} data-transfer={r.id} data-status={r.status}>
              <td>{dateTime(r.sentAt)}</td>
              <td>{r.fromName}</td>
              <td>{r.toName}</td>
              <td>
                <span className="sku">{r.sku}</span> {r.name}
              </td>
              <td className="num">{count(r.quantity)}</td>
              <td className="num">
                {r.received === null ? '' : count(r.received)}
                {r.received !== null && r.received !== r.quantity && (
                  <span className="badge low-badge" title={r.receiptNote ?? undefined}>
                    {t('transfer.difference', { n: count(r.received - r.quantity) })}
                  </span>
                )}
              </td>
              <td>{t(`transfer.is.${r.status}`)}</td>
              <td>
                {r.status === 'in_transit' &&
                  r.toBranchId === branchId &&
                  can(user, 'stock.transfer') && (
                    <button type="button" onClick={() => setReceiving(r)}>
                      {t('transfer.receive')}
                    </button>
                  )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function Receive({ transfer, onDone }: { transfer: TransferRow; onDone: () => void }) {
  const t = useT('stock');
  const client = useClient();
  const action = useAction();
  const [received, setReceived] = useState(String(transfer.quantity));
  const [note, setNote] = useState('');
  return (
    <form
      className="panel"
      aria-label={t('transfer.receiveTitle', { sku: transfer.sku })}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void action
          .run(() =>
            client.call('stock.receiveTransfer', {
              transferId: transfer.id,
              received: parseCount(received),
              note: note.trim() || null,
            }),
          )
          .then((r) => r && onDone());
      }}
      onKeyDown={(e) => {
        if (e.key === 'Escape') onDone();
      }}
    >
      <h2>{t('transfer.receiveTitle', { sku: transfer.sku })}</h2>
      <p className="muted">
        {t('transfer.receiveIntro', {
          quantity: count(transfer.quantity),
          from: transfer.fromName,
        })}
      </p>
      <div className="toolbar">
        <TextField
          label={t('transfer.received')}
          name="received"
          error={action.error}
          value={received}
          onChange={setReceived}
          inputMode="numeric"
          autoFocus
        />
        <TextField
          label={t('transfer.receiptNote')}
          name="note"
          error={action.error}
          value={note}
          onChange={setNote}
        />
        <button type="submit" className="primary" disabled={action.busy}>
          {t('transfer.confirmReceipt')}
        </button>
        <button type="button" onClick={onDone}>
          {t('close')}
        </button>
      </div>
      <ErrorBanner error={action.error} shown={['received', 'note']} />
    </form>
  );
}
