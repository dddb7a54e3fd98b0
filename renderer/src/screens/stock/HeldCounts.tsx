// Admin: two counts of the same variant in overlapping sessions. The first posted; the second
// waits here so the same difference is never posted twice. Choose one, with a note.
import { useState } from 'react';
import { useAction, useClient, useQuery } from '../../app-context';
import { ErrorBanner } from '../../components/Banner';
import { TextField } from '../../components/Field';
import { count, dateTime } from '../../format';
import { useT } from '../../i18n';

export function HeldCounts() {
  const t = useT('stock');
  const client = useClient();
  const action = useAction();
  const [note, setNote] = useState('');
  const [changed, setChanged] = useState(0);
  const held = useQuery(() => client.call('stock.heldCounts', {}), [changed]);
  const choose = async (countId: string, variantId: string, useHeld: boolean) => {
    const r = await action.run(() =>
      client.call('stock.chooseCount', { countId, variantId, useHeld, note }),
    );
    if (r) setChanged((n) => n + 1);
  };
  return (
    <>
      <TextField
        label={t('held.note')}
        name="note"
        error={action.error}
        hint={t('held.noteHint')}
        value={note}
        onChange={setNote}
      />
      <ErrorBanner error={action.error ?? held.error} shown={['note']} />
      <table className="table" aria-label={t('view.held')}>
        <thead>
          <tr>
            <th>{t('branch')}</th>
            <th>{t('col.item')}</th>
            <th>{t('held.posted')}</th>
            <th>{t('held.waiting')}</th>
            <th>
              <span className="sr-only">{t('held.choose')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {(held.data ?? []).length === 0 && !held.loading && (
            <tr>
              <td colSpan={5} className="empty">
                {t('held.none')}
              </td>
            </tr>
          )}
          {(held.data ?? []).map((h) => (
            <tr key={`${h.countId}/${h.variantId}`}>
              <td>{h.branchName}</td>
              <td>
                <span className="sku">{h.sku}</span> {h.name}
              </td>
              <td>
                {t('held.line', {
                  counted: count(h.otherCounted),
                  expected: count(h.otherExpected),
                  name: h.otherCounterName ?? '',
                  at: h.otherPostedAt ? dateTime(h.otherPostedAt) : '',
                })}
              </td>
              <td>
                {t('held.line', {
                  counted: count(h.counted),
                  expected: count(h.expected),
                  name: h.counterName ?? '',
                  at: h.postedAt ? dateTime(h.postedAt) : '',
                })}
              </td>
              <td className="actions">
                <button
                  type="button"
                  disabled={action.busy}
                  onClick={() => void choose(h.countId, h.variantId, false)}
                >
                  {t('held.keepPosted')}
                </button>
                <button
                  type="button"
                  disabled={action.busy}
                  onClick={() => void choose(h.countId, h.variantId, true)}
                >
                  {t('held.useWaiting')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
