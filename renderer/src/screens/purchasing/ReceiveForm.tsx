// Goods arriving at the branch against an approved order, line by line: how many came good, how
// many were refused and why. What is not typed stays open on the order for a later delivery.
// Only lines with something typed are sent; a refusal names `lines.N.…` of what was sent, so each
// box is named by its line's place in the last sending, and the error lands at the right box.
import { useState } from 'react';
import { useAction, useClient } from '../../app-context';
import { ErrorBanner } from '../../components/Banner';
import { FieldError, ItemName, QuantityField, TextField } from '../../components/Field';
import { count } from '../../format';
import { useT } from '../../i18n';
import type { Order } from './OrderLines';
import { FormActions, FormPanel } from './Panels';
import { whole } from './shared';

interface Typed {
  quantity: string;
  rejected: string;
  note: string;
}

const empty: Typed = { quantity: '', rejected: '', note: '' };
const blank = (r: Typed) => r.quantity.trim() === '' && r.rejected.trim() === '';

export function ReceiveForm({ order, onReceived }: { order: Order; onReceived(): void }) {
  const t = useT('purchasing');
  const client = useClient();
  const action = useAction();
  const [typed, setTyped] = useState<Record<number, Typed>>({});
  const [note, setNote] = useState('');
  /** lineNo → its index in the lines last sent. */
  const [sent, setSent] = useState<ReadonlyMap<number, number>>(new Map());
  const open = order.lines.filter((l) => l.quantity > l.received);
  const rowOf = (lineNo: number) => typed[lineNo] ?? empty;
  const set = (lineNo: number, change: Partial<Typed>) =>
    setTyped((all) => ({ ...all, [lineNo]: { ...rowOf(lineNo), ...change } }));
  const nameOf = (lineNo: number, field: string) => {
    const at = sent.get(lineNo);
    return at === undefined ? `line-${lineNo}.${field}` : `lines.${at}.${field}`;
  };

  const receive = async () => {
    const chosen = open.filter((l) => !blank(rowOf(l.lineNo)));
    setSent(new Map(chosen.map((l, i) => [l.lineNo, i])));
    const done = await action.run(() =>
      client.call('purchases.receive', {
        id: order.id,
        lines: chosen.map((l) => {
          const r = rowOf(l.lineNo);
          return {
            lineNo: l.lineNo,
            quantity: r.quantity.trim() === '' ? 0 : whole(r.quantity),
            ...(r.rejected.trim() !== '' && { rejected: whole(r.rejected) }),
            ...(r.note.trim() && { note: r.note.trim() }),
          };
        }),
        ...(note.trim() && { note: note.trim() }),
      }),
    );
    if (!done) return;
    setTyped({});
    setNote('');
    setSent(new Map());
    onReceived();
  };

  const shown = [
    'lines',
    'note',
    ...[...sent.values()].flatMap((i) => [
      `lines.${i}.quantity`,
      `lines.${i}.rejected`,
      `lines.${i}.note`,
      `lines.${i}.lineNo`,
    ]),
  ];
  return (
    <FormPanel title={t('receive.title')} intro={t('receive.intro')} onSubmit={receive}>
      <ErrorBanner error={action.error} shown={shown} />
      <FieldError error={action.error} name="lines" />
      <div className="table-wrap">
        <table className="table compact" aria-label={t('receive.table')} data-testid="receive">
          <thead>
            <tr>
              <th scope="col">{t('col.item')}</th>
              <th scope="col" className="num">
                {t('col.left')}
              </th>
              <th scope="col" className="num">
                {t('col.good')}
              </th>
              <th scope="col" className="num">
                {t('col.rejected')}
              </th>
              <th scope="col">{t('col.reason')}</th>
            </tr>
          </thead>
          <tbody>
            {open.map((l, i) => {
              const r = rowOf(l.lineNo);
              return (
                <tr key={l.lineNo} data-sku={l.sku} data-line={l.lineNo}>
                  <td>
                    <ItemName sku={l.sku} name={l.name} />
                    <FieldError error={action.error} name={nameOf(l.lineNo, 'lineNo')} />
                  </td>
                  <td className="num" data-col="left">
                    {count(l.quantity - l.received)}
                  </td>
                  <td className="num">
                    <QuantityField
                      label={t('receive.goodOf', { sku: l.sku })}
                      name={nameOf(l.lineNo, 'quantity')}
                      error={action.error}
                      autoFocus={i === 0}
                      value={r.quantity}
                      onChange={(quantity) => set(l.lineNo, { quantity })}
                    />
                  </td>
                  <td className="num">
                    <QuantityField
                      label={t('receive.rejectedOf', { sku: l.sku })}
                      name={nameOf(l.lineNo, 'rejected')}
                      error={action.error}
                      value={r.rejected}
                      onChange={(rejected) => set(l.lineNo, { rejected })}
                    />
                  </td>
                  <td>
                    <TextField
                      label={t('receive.reasonOf', { sku: l.sku })}
                      hideLabel
                      name={nameOf(l.lineNo, 'note')}
                      error={action.error}
                      autoComplete="off"
                      placeholder={t('receive.reasonHint')}
                      value={r.note}
                      onChange={(value) => set(l.lineNo, { note: value })}
                    />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <div className="form-grid">
        <TextField
          label={t('receive.note')}
          name="note"
          error={action.error}
          autoComplete="off"
          value={note}
          onChange={setNote}
        />
      </div>
      <FormActions save={t('receive.save')} busy={action.busy} />
    </FormPanel>
  );
}
