// One customer: their phone, card and tier, the points they hold (to spend now and pending),
// the points' history and their recent sales. Edit (F2) corrects name, phone or card; Esc goes
// back to the list.
import { useEffect, useRef, useState } from 'react';
import { useClient, useQuery, useUser } from '../../app-context';
import { ErrorBanner, Notice } from '../../components/Banner';
import { count, dateTime, money } from '../../format';
import { useT } from '../../i18n';
import { can } from '../../roles';
import { CustomerForm, type CustomerFields, type CustomerRow } from './CustomerForm';
import { CustomerTerms } from './CustomerTerms';

interface CustomerDetailProps {
  customer: CustomerRow;
  onChanged(customer: CustomerRow): void;
  onOpen(customer: CustomerRow): void;
  onBack(): void;
}

export function CustomerDetail({ customer: c, onChanged, onOpen, onBack }: CustomerDetailProps) {
  const t = useT('customers');
  const client = useClient();
  const user = useUser();
  const heading = useRef<HTMLHeadingElement>(null);
  const [editing, setEditing] = useState(false);
  const [said, setSaid] = useState<string | null>(null);
  const points = useQuery(() => client.call('loyalty.points', { customerId: c.id }), [c.id]);
  const program = useQuery(() => client.call('loyalty.program', {}), []);
  const history = useQuery(
    () => client.call('loyalty.history', { customerId: c.id, limit: 50 }),
    [c.id],
  );
  const sales = useQuery(
    () => client.call('customers.sales', { customerId: c.id, limit: 20 }),
    [c.id],
  );

  useEffect(() => {
    if (!editing) heading.current?.focus();
  }, [c.id, editing]);

  const saved = (fields: CustomerFields, outcome: string) => {
    setEditing(false);
    if (outcome === 'unchanged') {
      setSaid(t('unchanged'));
      return;
    }
    setSaid(t('saved', { name: fields.name }));
    onChanged({
      ...c,
      name: fields.name,
      phone: fields.phone || null,
      card: fields.card || null,
      address: fields.address || null,
      lat: fields.lat ? Number(fields.lat.replace(',', '.')) : null,
      lng: fields.lng ? Number(fields.lng.replace(',', '.')) : null,
    });
  };

  const p = points.data;
  return (
    <section
      className="customer-detail"
      aria-label={c.name}
      onKeyDown={(e) => {
        if (e.defaultPrevented) return;
        if (e.key === 'Escape' && !editing) {
          e.preventDefault();
          onBack();
        } else if (e.key === 'F2' && !editing) {
          e.preventDefault();
          setSaid(null);
          setEditing(true);
        }
      }}
    >
      <div className="toolbar">
        <button type="button" className="btn" onClick={onBack}>
          ‹ {t('detail.back')} <kbd>Esc</kbd>
        </button>
        {!editing && (
          <button
            type="button"
            className="btn primary"
            onClick={() => {
              setSaid(null);
              setEditing(true);
            }}
          >
            {t('detail.edit')} <kbd>F2</kbd>
          </button>
        )}
      </div>
      {said && <Notice kind="success">{said}</Notice>}
      <ErrorBanner error={points.error ?? history.error ?? sales.error} />
      {editing ? (
        <CustomerForm
          customer={c}
          onSaved={(_id, fields, outcome) => saved(fields, outcome)}
          onOpenExisting={onOpen}
          onCancel={() => setEditing(false)}
        />
      ) : (
        <section className="panel">
          <h2 id="customer-detail-name" ref={heading} tabIndex={-1}>
            {c.name}
          </h2>
          <dl className="facts" data-testid="customer-facts">
            <dt>{t('col.phone')}</dt>
            <dd data-fact="phone">{c.phone ?? '—'}</dd>
            <dt>{t('col.card')}</dt>
            <dd data-fact="card">{c.card ?? '—'}</dd>
            <dt>{t('form.address')}</dt>
            <dd data-fact="address">{c.address ?? '—'}</dd>
            <dt>{t('detail.coordinates')}</dt>
            <dd data-fact="coordinates">
              {c.lat === null || c.lng === null
                ? t('detail.noCoordinates')
                : t('detail.coordinatesCell', { latitude: c.lat, longitude: c.lng })}
            </dd>
            {program.data && (
              <>
                <dt>{t('col.tier')}</dt>
                <dd data-fact="tier">{p?.tier ?? '—'}</dd>
                <dt>{t('detail.balance')}</dt>
                <dd data-fact="balance" className="strong">
                  {p ? count(p.balance) : '…'}
                </dd>
                <dt>{t('detail.available')}</dt>
                <dd data-fact="available">{p ? count(p.available) : '…'}</dd>
                <dt>{t('detail.pending')}</dt>
                <dd data-fact="pending">{p ? count(p.pending) : '…'}</dd>
              </>
            )}
          </dl>
          {program.data === null && <p className="muted">{t('detail.noProgram')}</p>}
        </section>
      )}
      {!editing && can(user, 'customers.terms') && (
        <CustomerTerms customerId={c.id} name={c.name} />
      )}
      <h3>{t('history.title')}</h3>
      <div className="table-wrap">
        <table
          className="table compact"
          aria-label={t('history.title')}
          data-testid="points-history"
        >
          <thead>
            <tr>
              <th scope="col">{t('history.when')}</th>
              <th scope="col">{t('history.kind')}</th>
              <th scope="col" className="num">
                {t('history.points')}
              </th>
              <th scope="col">{t('history.sale')}</th>
              <th scope="col">{t('history.expires')}</th>
            </tr>
          </thead>
          <tbody>
            {history.data?.length === 0 && (
              <tr>
                <td colSpan={5} className="empty">
                  {t('history.none')}
                </td>
              </tr>
            )}
            {history.data?.map((m, i) => (
              <tr key={`${m.at}-${i}`} data-kind={m.kind}>
                <td>{dateTime(m.at)}</td>
                <td>
                  {t(`kind.${m.kind}`)}
                  {m.note && <span className="muted"> · {m.note}</span>}
                </td>
                <td className="num">{m.points > 0 ? `+${count(m.points)}` : count(m.points)}</td>
                <td>{m.saleNumber ?? '—'}</td>
                <td>{m.expiresAt === null ? '—' : dateTime(m.expiresAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h3>{t('sales.title')}</h3>
      <div className="table-wrap">
        <table className="table compact" aria-label={t('sales.title')} data-testid="customer-sales">
          <thead>
            <tr>
              <th scope="col">{t('sales.number')}</th>
              <th scope="col">{t('sales.when')}</th>
              <th scope="col">{t('sales.shop')}</th>
              <th scope="col" className="num">
                {t('sales.total')}
              </th>
              <th scope="col" className="num">
                {t('sales.points')}
              </th>
            </tr>
          </thead>
          <tbody>
            {sales.data?.length === 0 && (
              <tr>
                <td colSpan={5} className="empty">
                  {t('sales.none')}
                </td>
              </tr>
            )}
            {sales.data?.map((s) => (
              <tr key={s.id} data-sale={s.number}>
                <td>{s.number}</td>
                <td>{dateTime(s.soldAt)}</td>
                <td>{s.branchName}</td>
                <td className="num">{money(s.total)}</td>
                <td className="num">
                  {t('sales.pointsCell', {
                    earned: count(s.pointsEarned),
                    redeemed: count(s.pointsRedeemed),
                  })}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
