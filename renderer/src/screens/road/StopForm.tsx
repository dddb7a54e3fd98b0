// One stop on the road (decision 0034): each line marked (delivered, damaged with a photo, short,
// with a reason) and ticked with the customer, crates and empties taken back, money collected,
// the customer's name and signature, then Save. The proof's id is made when the stop is first
// opened and kept, so Save pressed twice, or again after an error, never makes two proofs.
// "Not delivered" with a reason sends the order back to the branch.
import { useEffect, useRef, useState } from 'react';
import { useAction, useClient, useQuery } from '../../app-context';
import type { OutputOf } from '../../client';
import { ErrorBanner } from '../../components/Banner';
import { Field, FieldError, TextField } from '../../components/Field';
import { SignaturePad } from '../../components/SignaturePad';
import { fileToBase64, useObjectUrl } from '../../files';
import { count, money, parseMoney } from '../../format';
import { useT, type Translate } from '../../i18n';
import {
  lineProblem,
  newMarks,
  newProofId,
  proveInput,
  setCount,
  unmarkedLines,
  type CollectMethod,
  type LineMark,
  type LineProblem,
  type ReturnLine,
} from './proof';

export type MyTrip = OutputOf<'trips.mine'>[number];
export type MyStop = MyTrip['stops'][number];

/** Proof ids by order, kept while the app runs: a stop opened again goes on with the same proof. */
const proofIds = new Map<string, string>();
const proofIdFor = (orderId: string): string => {
  let made = proofIds.get(orderId);
  if (!made) proofIds.set(orderId, (made = newProofId()));
  return made;
};

/** A line's problem in the driver's words. */
export function problemText(t: Translate, p: LineProblem): string {
  switch (p.kind) {
    case 'notNumber':
      return t(`problem.notNumber.${p.field}`);
    case 'overLoaded':
      return t('problem.overLoaded');
    case 'sum':
      return t('problem.sum', { n: count(p.total) });
    case 'reason':
      return t('problem.reason');
    case 'photo':
      return t('problem.photo');
    case 'unchecked':
      return t('problem.unchecked');
  }
}

export function StopForm({
  trip,
  stop,
  onDone,
  onCancel,
}: {
  trip: MyTrip;
  stop: MyStop;
  onDone(outcome: 'delivered' | 'failed'): void;
  onCancel(): void;
}) {
  const t = useT('road');
  const client = useClient();
  const [proofId] = useState(() => proofIdFor(stop.orderId));
  const [marks, setMarks] = useState<LineMark[]>(() => newMarks(stop.lines));
  const [returns, setReturns] = useState<ReturnLine[]>([]);
  const [method, setMethod] = useState<CollectMethod>('none');
  const [amount, setAmount] = useState('');
  const [reference, setReference] = useState('');
  const [signedBy, setSignedBy] = useState('');
  const [note, setNote] = useState('');
  const [signature, setSignature] = useState<string | null>(null);
  const [failing, setFailing] = useState(false);
  const [failReason, setFailReason] = useState('');
  const save = useAction();
  const fail = useAction();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);

  const unmarked = unmarkedLines(marks);
  const lineName = (lineNo: number) => {
    const l = stop.lines.find((x) => x.lineNo === lineNo);
    return l ? `${l.sku} ${l.name}` : String(lineNo);
  };
  const first = unmarked[0];
  const padReason = first
    ? t('sign.waiting', {
        n: count(unmarked.length),
        line: lineName(first.lineNo),
        why: problemText(t, first.problem),
      })
    : null;
  const parsedAmount = amount.trim() === '' ? null : parseMoney(amount);
  const amountError =
    method !== 'none' && amount.trim() !== '' && parsedAmount === null
      ? t('collect.notAmount')
      : undefined;
  const ready = unmarked.length === 0 && signature !== null && signedBy.trim() !== '';

  const update = (i: number, next: LineMark) =>
    setMarks((all) => all.map((m, j) => (j === i ? next : m)));

  const submit = async () => {
    if (save.busy) return;
    const done = await save.run(() =>
      client.call(
        'trips.prove',
        proveInput({
          tripId: trip.id,
          orderId: stop.orderId,
          proofId,
          marks,
          returns,
          method,
          amount: parsedAmount,
          reference,
          signedBy,
          note,
          signature,
        }),
      ),
    );
    if (done) {
      proofIds.delete(stop.orderId);
      onDone('delivered');
    }
  };
  const submitFail = async () => {
    const done = await fail.run(() =>
      client.call('trips.failStop', {
        tripId: trip.id,
        orderId: stop.orderId,
        reason: failReason.trim(),
      }),
    );
    if (done) onDone('failed');
  };

  return (
    <section
      className="panel stop-form"
      aria-labelledby="stop-form-title"
      onKeyDown={(e) => {
        if (e.key === 'Escape' && !e.defaultPrevented) {
          e.preventDefault();
          onCancel();
        }
      }}
    >
      <header className="panel-head">
        <h2 id="stop-form-title" ref={heading} tabIndex={-1}>
          {t('stop.title', { seq: count(stop.seq), customer: stop.customerName ?? '—' })}
        </h2>
        <p className="muted">
          {stop.orderNumber}
          {stop.address ? ` · ${stop.address}` : ''}
          {stop.phone ? ` · ${stop.phone}` : ''}
        </p>
      </header>

      <form
        aria-label={t('stop.proofForm')}
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <ErrorBanner
          error={save.error}
          shown={[
            'signature',
            'signedBy',
            'note',
            'lines',
            'collected.method',
            'collected.amount',
            'collected.reference',
            ...returns.map((_, i) => `returns.${i}.quantity`),
            ...marks.flatMap((m, i) => [
              `lines.${i}.delivered`,
              `lines.${i}.damaged`,
              `lines.${i}.short`,
              `lines.${i}.reason`,
              `lines.${i}.photoFile`,
              `photos.${m.lineNo}`,
            ]),
          ]}
        />
        <h3>{t('lines.title')}</h3>
        <p className="muted">{t('lines.intro')}</p>
        {marks.map((m, i) => {
          const line = stop.lines.find((l) => l.lineNo === m.lineNo);
          return line ? (
            <LineCard
              key={m.lineNo}
              index={i}
              mark={m}
              line={line}
              error={save.error}
              onChange={(next) => update(i, next)}
            />
          ) : null;
        })}
        <FieldError error={save.error} name="lines" />

        <Returns returns={returns} error={save.error} onChange={setReturns} />

        <fieldset className="panel">
          <legend>{t('collect.title')}</legend>
          <p className="muted">{t('collect.owed', { amount: money(orderValue(stop)) })}</p>
          <Field label={t('collect.method')} name="collected.method" error={save.error}>
            {(p) => (
              <select
                {...p}
                value={method}
                onChange={(e) => setMethod(e.target.value as CollectMethod)}
              >
                <option value="none">{t('collect.none')}</option>
                <option value="cash">{t('collect.cash')}</option>
                <option value="mobile_money">{t('collect.mobile_money')}</option>
                <option value="bank_transfer">{t('collect.bank_transfer')}</option>
              </select>
            )}
          </Field>
          {method !== 'none' && (
            <div className="form-grid">
              <TextField
                label={t('collect.amount')}
                name="collected.amount"
                error={save.error}
                localError={amountError}
                inputMode="decimal"
                value={amount}
                onChange={setAmount}
              />
              {method !== 'cash' && (
                <TextField
                  label={t('collect.reference')}
                  name="collected.reference"
                  error={save.error}
                  hint={t('collect.referenceHint')}
                  value={reference}
                  onChange={setReference}
                />
              )}
            </div>
          )}
        </fieldset>

        <fieldset className="panel">
          <legend>{t('sign.title')}</legend>
          <TextField
            label={t('sign.signedBy')}
            name="signedBy"
            error={save.error}
            autoComplete="off"
            value={signedBy}
            onChange={setSignedBy}
          />
          <SignaturePad
            label={t('sign.pad')}
            hint={t('sign.hint')}
            clearLabel={t('sign.clear')}
            emptyText={t('sign.empty')}
            signedText={t('sign.signed')}
            disabledReason={padReason}
            onChange={setSignature}
            name="signature"
            error={save.error}
          />
          <TextField
            label={t('stop.note')}
            name="note"
            error={save.error}
            value={note}
            onChange={setNote}
          />
        </fieldset>

        <div className="form-actions">
          <button
            type="submit"
            className="btn primary"
            data-save-proof
            aria-disabled={!ready || save.busy}
            onClick={(e) => {
              if (!ready || save.busy) e.preventDefault();
            }}
          >
            {save.busy ? t('stop.saving') : t('stop.save')}
          </button>
          <button type="button" className="btn" onClick={onCancel}>
            {t('stop.back')} <kbd>Esc</kbd>
          </button>
          {!ready && (
            <p className="muted" role="status">
              {unmarked.length > 0
                ? t('stop.needLines')
                : signedBy.trim() === ''
                  ? t('stop.needName')
                  : t('stop.needSignature')}
            </p>
          )}
        </div>
      </form>

      <div className="panel">
        {failing ? (
          <form
            aria-label={t('fail.title')}
            noValidate
            onSubmit={(e) => {
              e.preventDefault();
              void submitFail();
            }}
          >
            <h3>{t('fail.title')}</h3>
            <ErrorBanner error={fail.error} shown={['reason']} />
            <TextField
              label={t('fail.reason')}
              name="reason"
              error={fail.error}
              hint={t('fail.hint')}
              autoFocus
              value={failReason}
              onChange={setFailReason}
            />
            <div className="form-actions">
              <button type="submit" className="btn danger" disabled={fail.busy}>
                {t('fail.confirm')}
              </button>
              <button type="button" className="btn" onClick={() => setFailing(false)}>
                {t('fail.cancel')}
              </button>
            </div>
          </form>
        ) : (
          <button type="button" className="btn" data-not-delivered onClick={() => setFailing(true)}>
            {t('fail.open')}
          </button>
        )}
      </div>
    </section>
  );
}

const orderValue = (stop: MyStop) =>
  stop.lines.reduce((sum, l) => sum + l.quantity * l.unitPrice, 0);

function LineCard({
  index,
  mark,
  line,
  error,
  onChange,
}: {
  index: number;
  mark: LineMark;
  line: MyStop['lines'][number];
  error: unknown;
  onChange(next: LineMark): void;
}) {
  const t = useT('road');
  const at = `lines.${index}`;
  const problem = lineProblem(mark);
  const damaged = Number(mark.damaged) > 0;
  const needsReason = damaged || Number(mark.short) > 0;
  return (
    <fieldset className="panel proof-line" data-line={mark.lineNo} data-marked={problem === null}>
      <legend>
        {t('lines.legend', {
          n: count(mark.lineNo),
          sku: line.sku,
          name: line.name,
          loaded: count(mark.loaded),
        })}
      </legend>
      <div className="form-grid">
        <TextField
          label={t('lines.delivered')}
          name={`${at}.delivered`}
          error={error}
          type="number"
          min={0}
          step={1}
          inputMode="numeric"
          value={mark.delivered}
          onChange={(v) => onChange(setCount(mark, 'delivered', v))}
        />
        <TextField
          label={t('lines.damaged')}
          name={`${at}.damaged`}
          error={error}
          type="number"
          min={0}
          step={1}
          inputMode="numeric"
          value={mark.damaged}
          onChange={(v) => onChange(setCount(mark, 'damaged', v))}
        />
        <TextField
          label={t('lines.short')}
          name={`${at}.short`}
          error={error}
          type="number"
          min={0}
          step={1}
          inputMode="numeric"
          value={mark.short}
          onChange={(v) => onChange(setCount(mark, 'short', v))}
        />
      </div>
      {needsReason && (
        <TextField
          label={t('lines.reason')}
          name={`${at}.reason`}
          error={error}
          hint={t('lines.reasonHint')}
          value={mark.reason}
          onChange={(reason) => onChange({ ...mark, reason })}
        />
      )}
      {damaged && (
        <PhotoInput
          name={`${at}.photoFile`}
          altName={`photos.${mark.lineNo}`}
          error={error}
          label={t('lines.photo', { name: line.name })}
          onChange={(photo) => onChange({ ...mark, photo })}
        />
      )}
      <label className="check">
        <input
          type="checkbox"
          checked={mark.checked}
          onChange={(e) => onChange({ ...mark, checked: e.target.checked })}
        />{' '}
        {t('lines.checked')}
      </label>
      <p className={problem ? 'muted' : 'strong'} data-line-state>
        {problem ? problemText(t, problem) : t('lines.marked')}
      </p>
    </fieldset>
  );
}

/** The camera's photo of a damage (a tablet opens its back camera), shown as a thumbnail. */
function PhotoInput({
  name,
  altName,
  error,
  label,
  onChange,
}: {
  name: string;
  altName: string;
  error: unknown;
  label: string;
  onChange(base64: string | null): void;
}) {
  const t = useT('road');
  const [file, setFile] = useState<File | null>(null);
  const [readError, setReadError] = useState<string | undefined>(undefined);
  const url = useObjectUrl(file);
  return (
    <div className="photo-input">
      <Field
        label={label}
        name={name}
        error={error}
        localError={readError}
        hint={t('lines.photoHint')}
      >
        {(p) => (
          <input
            {...p}
            type="file"
            accept="image/*"
            capture="environment"
            data-photo
            onChange={(e) => {
              const chosen = e.target.files?.[0] ?? null;
              setFile(chosen);
              setReadError(undefined);
              if (!chosen) return onChange(null);
              fileToBase64(chosen).then(onChange, () => {
                setReadError(t('lines.photoUnreadable'));
                onChange(null);
              });
            }}
          />
        )}
      </Field>
      <FieldError error={error} name={altName} />
      {url && (
        <img
          src={url}
          alt={t('lines.photoAlt', { name: file?.name ?? '' })}
          data-photo-thumb
          style={{ maxWidth: '160px', maxHeight: '120px', border: '1px solid #4b5563' }}
        />
      )}
    </div>
  );
}

type CatalogHit = OutputOf<'catalog.list'>;

/** Crates and empties the customer gives back: product and quantity. */
function Returns({
  returns,
  error,
  onChange,
}: {
  returns: ReturnLine[];
  error: unknown;
  onChange(next: ReturnLine[]): void;
}) {
  const t = useT('road');
  const client = useClient();
  const [search, setSearch] = useState('');
  const [query, setQuery] = useState('');
  useEffect(() => {
    const timer = setTimeout(() => setQuery(search.trim()), 200);
    return () => clearTimeout(timer);
  }, [search]);
  const hits = useQuery(
    () =>
      query
        ? client.call('catalog.list', { search: query, limit: 6 })
        : Promise.resolve<CatalogHit>([]),
    [query],
  );
  const rows = hits.data ?? [];
  return (
    <fieldset className="panel">
      <legend>{t('returns.title')}</legend>
      <p className="muted">{t('returns.intro')}</p>
      {returns.map((r, i) => (
        <div className="row" key={r.variantId}>
          <TextField
            label={t('returns.quantity', { name: r.label })}
            name={`returns.${i}.quantity`}
            error={error}
            type="number"
            min={1}
            step={1}
            inputMode="numeric"
            value={r.quantity}
            onChange={(quantity) =>
              onChange(returns.map((x, j) => (j === i ? { ...x, quantity } : x)))
            }
          />
          <button
            type="button"
            className="btn"
            onClick={() => onChange(returns.filter((_, j) => j !== i))}
          >
            {t('returns.remove', { name: r.label })}
          </button>
        </div>
      ))}
      <TextField
        label={t('returns.search')}
        name="returnSearch"
        error={undefined}
        type="search"
        value={search}
        onChange={setSearch}
      />
      <ErrorBanner error={hits.error} />
      {query && (
        <ul className="results" aria-label={t('returns.results')}>
          {rows.length === 0 && !hits.loading && (
            <li className="muted">{t('returns.none', { query })}</li>
          )}
          {rows.map((v) => (
            <li key={v.variantId}>
              <button
                type="button"
                className="link"
                disabled={returns.some((r) => r.variantId === v.variantId)}
                onClick={() => {
                  onChange([
                    ...returns,
                    { variantId: v.variantId, label: `${v.sku} ${v.name}`, quantity: '1' },
                  ]);
                  setSearch('');
                }}
              >
                {t('returns.add', { name: `${v.sku} ${v.name}` })}
              </button>
            </li>
          ))}
        </ul>
      )}
    </fieldset>
  );
}
