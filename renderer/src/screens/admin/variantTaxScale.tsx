// A variant's own tax rate (typed as a percent, kept in basis points; blank: the category's) and
// its scale label settings (prefix, item code and what the label embeds), as typed in the variant
// editor and the new-product form, and what of them goes to the core.
import type { InputOf } from '../../client';
import { Field } from '../../components/Field';
import { useT } from '../../i18n';

type Embeds = NonNullable<InputOf<'catalog.updateVariant'>['scaleEmbeds']>;
const embedsChoices: readonly Embeds[] = ['weight', 'price'];

export interface TaxScaleDraft {
  /** Percent as typed: "15", "7.5"; blank: the category's rate. */
  taxPercent: string;
  scalePrefix: string;
  scaleItem: string;
  scaleEmbeds: Embeds;
}

export const blankTaxScale: TaxScaleDraft = {
  taxPercent: '',
  scalePrefix: '',
  scaleItem: '',
  scaleEmbeds: 'weight',
};

/** What a catalog row holds, as the boxes show it. */
export const taxScaleOf = (row: {
  taxRateBp: number | null;
  scalePrefix: number | null;
  scaleItem: string | null;
  scaleEmbeds: Embeds | null;
}): TaxScaleDraft => ({
  taxPercent: row.taxRateBp === null ? '' : String(row.taxRateBp / 100),
  scalePrefix: row.scalePrefix === null ? '' : String(row.scalePrefix),
  scaleItem: row.scaleItem ?? '',
  scaleEmbeds: row.scaleEmbeds ?? 'weight',
});

/** Basis points from a percent ("7.5" → 750), null for blank, undefined when it is no percent. */
export function parsePercent(text: string): number | null | undefined {
  const t = text.trim().replace(',', '.');
  if (t === '') return null;
  if (!/^\d{1,3}(\.\d{1,2})?$/.test(t)) return undefined;
  return Math.round(Number(t) * 100);
}

/** The prefix as a number, null for blank, undefined when it is no whole number. */
export function parsePrefix(text: string): number | null | undefined {
  const t = text.trim();
  if (t === '') return null;
  return /^\d{1,3}$/.test(t) ? Number(t) : undefined;
}

export interface TaxScaleInput {
  taxRateBp: number | null;
  scalePrefix: number | null;
  scaleItem: string | null;
  scaleEmbeds: Embeds | null;
}

/**
 * What the boxes say, or null when a box holds something that is no number (marked beside it).
 * A blank prefix and item code is no scale code; one without the other goes to the core, which
 * names the missing one.
 */
export function taxScaleInput(d: TaxScaleDraft): TaxScaleInput | null {
  const taxRateBp = parsePercent(d.taxPercent);
  const scalePrefix = parsePrefix(d.scalePrefix);
  if (taxRateBp === undefined || scalePrefix === undefined) return null;
  const item = d.scaleItem.trim();
  const none = scalePrefix === null && item === '';
  return {
    taxRateBp,
    scalePrefix,
    scaleItem: item === '' ? null : item,
    scaleEmbeds: none ? null : d.scaleEmbeds,
  };
}

/** Only what changed from the row, so an edit of the price does not restamp the scale code. */
export function changedTaxScale(now: TaxScaleInput, was: TaxScaleInput): Partial<TaxScaleInput> {
  const scaleChanged =
    now.scalePrefix !== was.scalePrefix ||
    now.scaleItem !== was.scaleItem ||
    now.scaleEmbeds !== was.scaleEmbeds;
  return {
    ...(now.taxRateBp !== was.taxRateBp && { taxRateBp: now.taxRateBp }),
    ...(scaleChanged && {
      scalePrefix: now.scalePrefix,
      scaleItem: now.scaleItem,
      scaleEmbeds: now.scaleEmbeds,
    }),
  };
}

/** The local hints for boxes that hold no number, once the person has tried to save. */
export function taxScaleHints(d: TaxScaleDraft, t: (key: string) => string) {
  return {
    tax: parsePercent(d.taxPercent) === undefined ? t('products.taxHint') : undefined,
    prefix: parsePrefix(d.scalePrefix) === undefined ? t('products.scalePrefixHint') : undefined,
  };
}

/** The choice of what a scale label embeds: the weight (or length) in the unit, or the price. */
export function EmbedsField(props: {
  name: string;
  label: string;
  hideLabel?: boolean;
  error: unknown;
  value: Embeds;
  onChange(value: Embeds): void;
}) {
  const t = useT('admin');
  return (
    <Field
      label={props.label}
      name={props.name}
      error={props.error}
      {...(props.hideLabel && { hideLabel: true })}
    >
      {(p) => (
        <select
          {...p}
          value={props.value}
          onChange={(e) =>
            props.onChange(embedsChoices.find((c) => c === e.target.value) ?? props.value)
          }
        >
          {embedsChoices.map((c) => (
            <option key={c} value={c}>
              {t(`products.embeds.${c}`)}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}
