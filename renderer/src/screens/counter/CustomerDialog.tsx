// The customer at the counter (F6): found by phone, name or a scanned loyalty card, picked with
// the arrow keys and Enter, or added there and then. A phone this PC already knows offers that
// customer instead of a second one. A product scanned here by mistake is said to be one, and Enter
// puts it on the sale: it is never offered as a new customer's phone.
import { useEffect, useId, useRef, useState } from 'react';
import { useClient } from '../../app-context';
import { ErrorBanner, Notice } from '../../components/Banner';
import { closeThen, Dialog } from '../../components/Dialog';
import { TextField } from '../../components/Field';
import { isCode } from '../../errors';
import { count } from '../../format';
import { useT } from '../../i18n';
import { ContractError } from '../../transport';
import type { CatalogRow } from '../../components/ProductPicker';
import type { FoundCustomer } from './deal';

interface CustomerDialogProps {
  onPick(customer: FoundCustomer): void;
  /** A product's code was scanned here: it goes on the sale. */
  onProduct(row: CatalogRow): void;
  onClose(): void;
}

/** What a found customer's row says: name, phone, tier and points. */
export function CustomerSummary({ customer }: { customer: FoundCustomer }) {
  const t = useT('counter');
  return (
    <>
      <strong>{customer.name}</strong>
      {customer.phone && <span className="muted"> · {customer.phone}</span>}
      {customer.tier && <span> · {customer.tier}</span>}
      {customer.points && (
        <span>
          {' '}
          ·{' '}
          {t('customer.points', {
            available: count(customer.points.available),
            pending: count(customer.points.pending),
          })}
        </span>
      )}
    </>
  );
}

/** A typed search as a new customer's first guess: digits are a phone, anything else a name. */
const guess = (typed: string) =>
  /^[+\d\s-]{6,}$/.test(typed) ? { name: '', phone: typed } : { name: typed, phone: '' };

export function CustomerDialog({ onPick, onProduct, onClose }: CustomerDialogProps) {
  const t = useT('counter');
  const client = useClient();
  const id = useId();
  const form = useRef<HTMLFormElement>(null);
  const [search, setSearch] = useState('');
  const [found, setFound] = useState<{ for: string; rows: FoundCustomer[] } | null>(null);
  const [active, setActive] = useState(0);
  const [error, setError] = useState<unknown>(undefined);
  const [adding, setAdding] = useState<{ name: string; phone: string; card: string } | null>(null);
  const [existing, setExisting] = useState<FoundCustomer | null>(null);
  const [busy, setBusy] = useState(false);
  /** The product whose code the search is, when no customer matches it. */
  const [product, setProduct] = useState<{ for: string; row: CatalogRow } | null>(null);

  /** The customers a search finds, and the product it is the code of when it finds none. */
  const find = async (
    typed: string,
  ): Promise<{ rows: FoundCustomer[]; scanned: CatalogRow | null }> => {
    try {
      const rows = await client.call('customers.find', { search: typed });
      // A code (no spaces) that finds nobody may be a product scanned in the wrong box.
      const row =
        rows.length === 0 && /^\S{3,64}$/.test(typed)
          ? await client.call('catalog.findByCode', { code: typed }).catch(() => null)
          : null;
      setError(undefined);
      setProduct(row ? { for: typed, row } : null);
      setFound({ for: typed, rows });
      setActive(0);
      return { rows, scanned: row };
    } catch (e) {
      setError(e);
      return { rows: [], scanned: null };
    }
  };

  useEffect(() => {
    const typed = search.trim();
    if (!typed || adding) return;
    const timer = setTimeout(() => void find(typed), 200);
    return () => clearTimeout(timer);
  }, [search, adding]);

  const pick = (customer: FoundCustomer) => closeThen(form.current, () => onPick(customer));

  /**
   * Enter: the highlighted customer; a card scanned faster than the search waits is looked up now.
   * With nobody found, a product's code goes on the sale.
   */
  const choose = async () => {
    const typed = search.trim();
    if (!typed) return;
    const known = found?.for === typed;
    const { rows, scanned } = known
      ? { rows: found.rows, scanned: product?.for === typed ? product.row : null }
      : await find(typed);
    const row = rows[known ? active : 0];
    if (row) pick(row);
    else if (scanned) closeThen(form.current, () => onProduct(scanned));
  };

  const startAdding = () => {
    const typed = search.trim();
    setAdding({ card: '', ...(product?.for === typed ? { name: '', phone: '' } : guess(typed)) });
    setExisting(null);
    setError(undefined);
  };

  const add = async () => {
    if (!adding || busy) return;
    setBusy(true);
    setExisting(null);
    try {
      const input = {
        name: adding.name,
        ...(adding.phone.trim() && { phone: adding.phone.trim() }),
        ...(adding.card.trim() && { card: adding.card.trim() }),
      };
      const { id: customerId } = await client.call('customers.create', input);
      const by = input.phone ?? input.card ?? input.name;
      const rows = await client.call('customers.find', { search: by }).catch(() => []);
      pick(
        rows.find((r) => r.id === customerId) ?? {
          id: customerId,
          branchId: '',
          name: input.name,
          phone: input.phone ?? null,
          card: input.card ?? null,
          address: null,
          lat: null,
          lng: null,
          tier: null,
          points: null,
        },
      );
    } catch (e) {
      setError(e);
      const other = e instanceof ContractError ? e.error.details?.customerId : undefined;
      if (isCode(e, 'CONFLICT') && e instanceof ContractError && e.error.field === 'phone') {
        const rows = await client
          .call('customers.find', { search: adding.phone.trim() })
          .catch(() => []);
        setExisting(rows.find((r) => r.id === other) ?? rows[0] ?? null);
      }
    } finally {
      setBusy(false);
    }
  };

  const rows = found?.for === search.trim() ? found.rows : (found?.rows ?? []);
  const optionId = (i: number) => `${id}-option-${i}`;

  return (
    <Dialog title={t('customer.title')} onClose={onClose} className="counter-dialog">
      {!adding ? (
        <form
          ref={form}
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void choose();
          }}
          onKeyDown={(e) => {
            if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
              e.preventDefault();
              const step = e.key === 'ArrowDown' ? 1 : -1;
              setActive((a) => Math.min(Math.max(a + step, 0), Math.max(rows.length - 1, 0)));
            } else if (e.altKey && e.code === 'KeyN') {
              e.preventDefault();
              startAdding();
            }
          }}
        >
          <TextField
            label={t('customer.search')}
            name="search"
            error={error}
            hint={t('customer.searchHint')}
            autoFocus
            autoComplete="off"
            role="combobox"
            aria-expanded={rows.length > 0}
            aria-controls={`${id}-list`}
            aria-activedescendant={rows[active] ? optionId(active) : undefined}
            value={search}
            onChange={setSearch}
          />
          <ul
            id={`${id}-list`}
            className="customer-list"
            role="listbox"
            aria-label={t('customer.found')}
          >
            {rows.map((c, i) => (
              <li
                key={c.id}
                id={optionId(i)}
                role="option"
                aria-selected={i === active}
                className={i === active ? 'active' : undefined}
                onClick={() => pick(c)}
              >
                <CustomerSummary customer={c} />
              </li>
            ))}
          </ul>
          {found &&
            found.for === search.trim() &&
            rows.length === 0 &&
            (product?.for === found.for ? (
              <Notice kind="warning">
                {t('customer.isProduct', { search: found.for, name: product.row.name })}
              </Notice>
            ) : (
              <p className="muted">{t('customer.none', { search: found.for })}</p>
            ))}
          <ErrorBanner error={error} shown={['search']} />
          <div className="form-actions">
            <button type="submit" className="btn primary">
              {t('customer.pick')} <kbd>Enter</kbd>
            </button>
            <button type="button" className="btn" onClick={startAdding}>
              {t('customer.new')} <kbd>Alt+N</kbd>
            </button>
            <button type="button" className="btn" onClick={() => closeThen(form.current, onClose)}>
              {t('close')} <kbd>Esc</kbd>
            </button>
          </div>
        </form>
      ) : (
        <form
          ref={form}
          noValidate
          aria-label={t('customer.new')}
          onSubmit={(e) => {
            e.preventDefault();
            void add();
          }}
        >
          <TextField
            label={t('customer.name')}
            name="name"
            error={error}
            autoFocus={adding.name === ''}
            autoComplete="off"
            value={adding.name}
            onChange={(name) => setAdding({ ...adding, name })}
          />
          <TextField
            label={t('customer.phone')}
            name="phone"
            error={error}
            autoFocus={adding.name !== '' && adding.phone === ''}
            autoComplete="off"
            inputMode="tel"
            value={adding.phone}
            onChange={(phone) => setAdding({ ...adding, phone })}
          />
          <TextField
            label={t('customer.card')}
            name="card"
            error={error}
            autoFocus={adding.name !== '' && adding.phone !== ''}
            autoComplete="off"
            value={adding.card}
            onChange={(card) => setAdding({ ...adding, card })}
          />
          {existing && (
            <Notice kind="warning">
              {t('customer.samePhone')} <CustomerSummary customer={existing} />{' '}
              <button
                type="button"
                className="btn primary"
                autoFocus
                onClick={() => pick(existing)}
              >
                {t('customer.useExisting', { name: existing.name })}
              </button>
            </Notice>
          )}
          <ErrorBanner error={error} shown={['name', 'phone', 'card']} />
          <div className="form-actions">
            <button type="submit" className="btn primary" disabled={busy}>
              {t('customer.add')} <kbd>Enter</kbd>
            </button>
            <button type="button" className="btn" onClick={() => setAdding(null)}>
              {t('customer.back')}
            </button>
          </div>
        </form>
      )}
    </Dialog>
  );
}
