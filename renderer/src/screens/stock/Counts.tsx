// Stock counts: start one at this PC for the branch (and maybe a category), count by scanning or
// typing, post the differences. What was counted is kept on this PC until posted.
import { useEffect, useState } from 'react';
import { useAction, useClient, useQuery, useUser } from '../../app-context';
import { ErrorBanner, Notice } from '../../components/Banner';
import { TextField } from '../../components/Field';
import { count, dateTime, parseCount } from '../../format';
import { useT } from '../../i18n';
import { can } from '../../roles';

export function Counts({ branchId }: { branchId: string }) {
  const t = useT('stock');
  const client = useClient();
  const user = useUser();
  const action = useAction();
  const [category, setCategory] = useState('');
  const [open, setOpen] = useState<string | null>(null);
  const [posted, setPosted] = useState(0);
  const counts = useQuery(() => client.call('stock.counts', { branchId }), [branchId, posted]);

  if (open)
    return (
      <CountSheet
        countId={open}
        onDone={() => {
          setOpen(null);
          setPosted((n) => n + 1);
        }}
      />
    );
  return (
    <>
      {can(user, 'stock.count') && (
        <form
          className="toolbar"
          aria-label={t('count.start')}
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void action
              .run(() =>
                client.call('stock.startCount', {
                  branchId,
                  category: category.trim() || null,
                }),
              )
              .then((r) => r && setOpen(r.countId));
          }}
        >
          <TextField
            label={t('count.category')}
            name="category"
            error={action.error}
            hint={t('count.categoryHint')}
            value={category}
            onChange={setCategory}
          />
          <button type="submit" className="primary" disabled={action.busy}>
            {t('count.start')}
          </button>
        </form>
      )}
      <ErrorBanner error={action.error ?? counts.error} shown={['category']} />
      <table className="table" aria-label={t('count.list')}>
        <thead>
          <tr>
            <th>{t('count.started')}</th>
            <th>{t('count.category')}</th>
            <th>{t('count.status')}</th>
            <th>{t('count.counter')}</th>
            <th className="num">{t('count.lines')}</th>
            <th>
              <span className="sr-only">{t('count.open')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {(counts.data ?? []).length === 0 && !counts.loading && (
            <tr>
              <td colSpan={6} className="empty">
                {t('count.none')}
              </td>
            </tr>
          )}
          {(counts.data ?? []).map((c) => (
            <tr key={c.id}>
              <td>{dateTime(c.startedAt)}</td>
              <td>{c.category ?? t('count.allItems')}</td>
              <td>
                {c.postedAt === null
                  ? t('count.isOpen')
                  : c.held > 0
                    ? t('count.isHeld', { n: c.held })
                    : t('count.isPosted')}
              </td>
              <td>{c.counterName ?? ''}</td>
              <td className="num">{count(c.lines)}</td>
              <td>
                {c.postedAt === null && (
                  <button type="button" onClick={() => setOpen(c.id)}>
                    {t('count.open')}
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

interface Counted {
  expected: number;
  counted: number;
}

const draftKey = (countId: string) => `fse.count.${countId}`;

function loadDraft(countId: string): Record<string, Counted> {
  try {
    return JSON.parse(localStorage.getItem(draftKey(countId)) ?? '{}') as Record<string, Counted>;
  } catch {
    return {};
  }
}

function CountSheet({ countId, onDone }: { countId: string; onDone: () => void }) {
  const t = useT('stock');
  const client = useClient();
  const user = useUser();
  const action = useAction();
  const sheet = useQuery(() => client.call('stock.countSheet', { countId }), [countId]);
  const [draft, setDraft] = useState<Record<string, Counted>>(() => loadDraft(countId));
  const [scan, setScan] = useState('');
  const [scanError, setScanError] = useState<string | undefined>(undefined);
  const [last, setLast] = useState<string | null>(null);
  const [counter, setCounter] = useState(user.displayName);
  useEffect(() => focusScanBox(), [sheet.data]);
  useEffect(() => localStorage.setItem(draftKey(countId), JSON.stringify(draft)), [countId, draft]);
  const lines = sheet.data?.lines ?? [];

  // What the ledger said when a variant was first counted is what its difference is taken from.
  const setCount = (variantId: string, counted: (before: number) => number) =>
    setDraft((d) => {
      const line = lines.find((l) => l.variantId === variantId);
      const was = d[variantId];
      return {
        ...d,
        [variantId]: {
          expected: was?.expected ?? line?.onHand ?? 0,
          counted: Math.max(0, counted(was?.counted ?? 0)),
        },
      };
    });

  const scanned = () => {
    const code = scan.trim();
    if (!code) return;
    const line = lines.find(
      (l) => l.barcode === code || l.sku.toLowerCase() === code.toLowerCase(),
    );
    setScan('');
    if (!line) return setScanError(t('count.unknownCode', { code }));
    setScanError(undefined);
    setCount(line.variantId, (n) => n + 1);
    setLast(line.sku);
  };

  const post = async () => {
    const result = await action.run(() =>
      client.call('stock.postCount', {
        countId,
        counterName: counter,
        lines: Object.entries(draft).map(([variantId, c]) => ({ variantId, ...c })),
      }),
    );
    if (result) {
      localStorage.removeItem(draftKey(countId));
      onDone();
    }
  };

  const head = sheet.data;
  return (
    <section aria-labelledby="count-heading">
      <h2 id="count-heading">
        {t('count.sheet', { category: head?.category ?? t('count.allItems') })}
      </h2>
      {head && !head.ownedHere && <Notice kind="warning">{t('count.notHere')}</Notice>}
      <div className="toolbar">
        <TextField
          label={t('count.scan')}
          name="scan"
          error={undefined}
          localError={scanError}
          hint={last ? t('count.lastScan', { sku: last }) : t('count.scanHint')}
          value={scan}
          onChange={setScan}
          autoComplete="off"
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              scanned();
            }
          }}
        />
        <TextField
          label={t('count.counter')}
          name="counterName"
          error={action.error}
          value={counter}
          onChange={setCounter}
        />
        <span className="grow" />
        <button
          type="button"
          className="primary"
          disabled={action.busy}
          onClick={() => void post()}
        >
          {t('count.post')}
        </button>
        <button type="button" onClick={onDone}>
          {t('close')}
        </button>
      </div>
      <ErrorBanner error={action.error ?? sheet.error} shown={['counterName']} />
      <table className="table" aria-label={t('count.sheetLabel')}>
        <thead>
          <tr>
            <th>{t('col.sku')}</th>
            <th>{t('col.item')}</th>
            <th className="num">{t('count.expected')}</th>
            <th className="num">{t('count.counted')}</th>
            <th className="num">{t('count.variance')}</th>
          </tr>
        </thead>
        <tbody>
          {lines.map((l) => {
            const c = draft[l.variantId];
            return (
              <tr key={l.variantId} data-sku={l.sku}>
                <td className="sku">{l.sku}</td>
                <td>{l.name}</td>
                <td className="num">{count(c?.expected ?? l.onHand)}</td>
                <td className="num">
                  <input
                    className="count-input"
                    aria-label={t('count.countedOf', { sku: l.sku })}
                    inputMode="numeric"
                    value={c ? String(c.counted) : ''}
                    onChange={(e) => {
                      const n = parseCount(e.target.value);
                      if (e.target.value.trim() === '')
                        setDraft(({ [l.variantId]: _, ...rest }) => rest);
                      else if (Number.isInteger(n)) setCount(l.variantId, () => n);
                    }}
                  />
                </td>
                <td className="num" data-col="variance">
                  {c ? count(c.counted - c.expected) : ''}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}

const focusScanBox = () =>
  document.querySelector<HTMLInputElement>('[data-field="scan"] input')?.focus();
