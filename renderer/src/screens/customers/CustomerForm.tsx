// A customer's name, phone and loyalty card: added new, or corrected. Enter saves, Esc cancels.
// A phone another customer has is refused by the core; adding, the clerk is offered that one.
import { useState } from 'react';
import { useAction, useClient, useQuery, useUser } from '../../app-context';
import type { OutputOf } from '../../client';
import { ErrorBanner, Notice } from '../../components/Banner';
import { TextField } from '../../components/Field';
import { isCode } from '../../errors';
import { useT } from '../../i18n';
import { ContractError } from '../../transport';
import { BranchSelect } from '../purchasing/Choices';
import { parseDegrees, placeProblems } from './place';

export type CustomerRow = OutputOf<'customers.list'>[number];

export type SaveOutcome = 'added' | 'saved' | 'unchanged';

export interface CustomerFields {
  name: string;
  phone: string;
  card: string;
  /** Where goods go, and its coordinates in decimal degrees (both or neither). */
  address?: string;
  lat?: string;
  lng?: string;
}

const degreesText = (n: number | null | undefined) =>
  n === null || n === undefined ? '' : String(n);

interface CustomerFormProps {
  /** The customer to change; null adds a new one. */
  customer: CustomerRow | null;
  /** A new customer's first guess (what was searched for). */
  initial?: CustomerFields;
  onSaved(customerId: string, fields: CustomerFields, outcome: SaveOutcome): void;
  /** Another customer has the phone typed: the clerk chose to open them instead. */
  onOpenExisting(customer: CustomerRow): void;
  onCancel(): void;
}

/** A typed search as a new customer's first guess: digits are a phone, anything else a name. */
export const guessFrom = (typed: string): CustomerFields =>
  /^[+\d\s()-]{6,}$/.test(typed)
    ? { name: '', phone: typed, card: '' }
    : { name: typed, phone: '', card: '' };

export function CustomerForm({
  customer,
  initial,
  onSaved,
  onOpenExisting,
  onCancel,
}: CustomerFormProps) {
  const t = useT('customers');
  const client = useClient();
  const action = useAction();
  const [fields, setFields] = useState<CustomerFields>(
    customer
      ? {
          name: customer.name,
          phone: customer.phone ?? '',
          card: customer.card ?? '',
          address: customer.address ?? '',
          lat: degreesText(customer.lat),
          lng: degreesText(customer.lng),
        }
      : (initial ?? { name: '', phone: '', card: '' }),
  );
  const user = useUser();
  const branches = useQuery(() => client.call('branches.list', {}), []);
  // Head office sells to no one: a customer added there is a shop's (or the factory's), chosen.
  const chooseBranch =
    !customer && branches.data?.find((b) => b.id === user.branchId)?.kind === 'head_office';
  const [branchId, setBranchId] = useState('');
  const [place, setPlace] = useState<{ lat?: string; lng?: string }>({});
  const [existing, setExisting] = useState<CustomerRow | null>(null);
  const set = (key: keyof CustomerFields) => (value: string) =>
    setFields((f) => ({ ...f, [key]: value }));

  /** The customer who has the phone, found again, to offer instead of a second one. */
  const offerExisting = async (error: unknown) => {
    if (!(error instanceof ContractError) || !isCode(error, 'CONFLICT')) return;
    if (error.error.field !== 'phone') return;
    const other = error.error.details?.customerId;
    const rows = await client
      .call('customers.list', { search: fields.phone.trim(), limit: 10, offset: 0 })
      .catch(() => []);
    setExisting(rows.find((r) => r.id === other && r.id !== customer?.id) ?? null);
  };

  const save = async () => {
    setExisting(null);
    const phone = fields.phone.trim();
    const card = fields.card.trim();
    const address = (fields.address ?? '').trim();
    const problems = placeProblems(fields, {
      lat: t('form.badLat'),
      lng: t('form.badLng'),
      both: t('form.bothOrNeither'),
    });
    setPlace(problems);
    if (problems.lat || problems.lng) {
      setTimeout(() => document.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus(), 0);
      return;
    }
    const lat = parseDegrees(fields.lat, 90) as number | null;
    const lng = parseDegrees(fields.lng, 180) as number | null;
    let refused: unknown;
    const saved = await action.run(async (): Promise<{ id: string; outcome: SaveOutcome }> => {
      try {
        if (!customer) {
          const made = await client.call('customers.create', {
            ...(chooseBranch && { branchId }),
            name: fields.name,
            ...(phone && { phone }),
            ...(card && { card }),
            ...(address && { address }),
            ...(lat !== null && lng !== null && { lat, lng }),
          });
          return { id: made.id, outcome: 'added' };
        }
        const done = await client.call('customers.update', {
          id: customer.id,
          name: fields.name,
          phone: phone || null,
          card: card || null,
          address: address || null,
          lat,
          lng,
        });
        return { id: done.id, outcome: done.changed.length > 0 ? 'saved' : 'unchanged' };
      } catch (e) {
        refused = e;
        throw e;
      }
    });
    // After the error has taken the focus to the phone box, the offer takes it from there.
    if (refused) await offerExisting(refused);
    if (saved)
      onSaved(
        saved.id,
        {
          name: fields.name.trim(),
          phone,
          card,
          address,
          lat: fields.lat ?? '',
          lng: fields.lng ?? '',
        },
        saved.outcome,
      );
  };

  const title = customer ? t('form.editTitle', { name: customer.name }) : t('form.newTitle');
  return (
    <form
      className="panel inline-form"
      aria-label={title}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.preventDefault();
          e.stopPropagation();
          onCancel();
        }
      }}
    >
      <h2>{title}</h2>
      <div className="form-grid">
        {chooseBranch && (
          <BranchSelect
            label={t('form.branch')}
            name="branchId"
            error={action.error}
            branches={branches.data?.filter((b) => b.kind !== 'head_office')}
            none={t('form.chooseBranch')}
            value={branchId}
            onChange={setBranchId}
          />
        )}
        <TextField
          label={t('form.name')}
          name="name"
          error={action.error}
          autoFocus={fields.name === '' || customer !== null}
          autoComplete="off"
          value={fields.name}
          onChange={set('name')}
        />
        <TextField
          label={t('form.phone')}
          name="phone"
          error={action.error}
          autoFocus={fields.name !== '' && fields.phone === '' && customer === null}
          autoComplete="off"
          inputMode="tel"
          value={fields.phone}
          onChange={set('phone')}
        />
        <TextField
          label={t('form.card')}
          name="card"
          error={action.error}
          hint={t('form.cardHint')}
          autoFocus={fields.name !== '' && fields.phone !== '' && customer === null}
          autoComplete="off"
          value={fields.card}
          onChange={set('card')}
        />
        <TextField
          label={t('form.address')}
          name="address"
          error={action.error}
          hint={t('form.addressHint')}
          autoComplete="off"
          value={fields.address ?? ''}
          onChange={set('address')}
        />
        <TextField
          label={t('form.lat')}
          name="lat"
          error={action.error}
          localError={place.lat}
          hint={t('form.latHint')}
          autoComplete="off"
          inputMode="decimal"
          value={fields.lat ?? ''}
          onChange={set('lat')}
        />
        <TextField
          label={t('form.lng')}
          name="lng"
          error={action.error}
          localError={place.lng}
          hint={t('form.lngHint')}
          autoComplete="off"
          inputMode="decimal"
          value={fields.lng ?? ''}
          onChange={set('lng')}
        />
      </div>
      {existing && (
        <Notice kind="warning">
          {t('samePhone', { name: existing.name })}{' '}
          <button
            type="button"
            className="btn primary"
            autoFocus
            onClick={() => onOpenExisting(existing)}
          >
            {t('openExisting', { name: existing.name })}
          </button>
        </Notice>
      )}
      <ErrorBanner
        error={action.error}
        shown={['name', 'phone', 'card', 'address', 'lat', 'lng']}
      />
      <div className="form-actions">
        <button type="submit" className="btn primary" disabled={action.busy}>
          {customer ? t('form.save') : t('form.add')} <kbd>Enter</kbd>
        </button>
        <button type="button" className="btn" onClick={onCancel}>
          {t('form.cancel')} <kbd>Esc</kbd>
        </button>
      </div>
    </form>
  );
}
