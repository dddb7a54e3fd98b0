// Choices the purchasing screens offer in several places: a branch (for a rule, an order, or a
// list's filter), a supplier with its currency, and the item a new row is for, picked by scan or
// search.
import type { OutputOf } from '../../client';
import { Field, FieldError } from '../../components/Field';
import { ProductPicker, type CatalogRow } from '../../components/ProductPicker';
import { useT } from '../../i18n';

type Branch = OutputOf<'branches.list'>[number];
type Supplier = OutputOf<'suppliers.list'>[number];
export interface Variant {
  id: string;
  sku: string;
  name: string;
}

/** A branch by its code and name; `none` names the empty first choice, where there is one. */
export function BranchSelect({
  label,
  name,
  error,
  branches,
  none,
  value,
  onChange,
}: {
  label: string;
  name: string;
  error: unknown;
  branches: readonly Branch[] | undefined;
  none?: string;
  value: string;
  onChange(branchId: string): void;
}) {
  return (
    <Field label={label} name={name} error={error}>
      {(p) => (
        <select {...p} value={value} onChange={(e) => onChange(e.target.value)}>
          {none !== undefined && <option value="">{none}</option>}
          {branches?.map((b) => (
            <option key={b.id} value={b.id}>
              {b.code} · {b.name}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

/** The suppliers as choices, each with the currency its prices are in. */
export function SupplierOptions({ suppliers }: { suppliers: readonly Supplier[] | undefined }) {
  return suppliers?.map((s) => (
    <option key={s.id} value={s.id}>
      {s.name} · {s.currencyCode}
    </option>
  ));
}

/** The item a new row is for: picked by scan or search, then named below the picker. */
export function VariantChoice({
  variant,
  error,
  onPick,
}: {
  variant: Variant | null;
  error: unknown;
  onPick(variant: Variant): void;
}) {
  const t = useT('purchasing');
  return (
    <>
      <ProductPicker
        onPick={(row: CatalogRow) => onPick({ id: row.variantId, sku: row.sku, name: row.name })}
      />
      <p className="muted" data-picked={variant?.sku ?? ''}>
        {variant ? `${variant.sku} · ${variant.name}` : t('items.pickFirst')}
      </p>
      <FieldError error={error} name="variantId" />
    </>
  );
}
