// Weighed and measured goods: a shop scale prints an EAN-13 label whose prefix (20–29) says it is
// an in-store code, digits 3–7 name the item (set per variant) and digits 8–12 carry either the
// weight in the product's unit or the price in minor units. A variant may also carry its own tax
// rate. The fields and their rules live here; the command checks them while the person is there.
import { z } from 'zod';
import type { Context } from '../contract/context';
import { parseRow } from '../db/rows';
import { variants } from '../db/schema';
import { DomainError, validationError } from '../errors';
import { gs1CheckDigit } from './barcode';

export const scaleEmbeds = variants.scaleEmbeds.enumValues;
export type ScaleEmbeds = (typeof scaleEmbeds)[number];

/** Null: the product category's rate (company setting categoryTaxRates). */
export const taxRateBp = z
  .number({ error: 'must be a whole number of basis points (1500 = 15%)' })
  .int('must be a whole number of basis points (1500 = 15%)')
  .min(0, 'must be 0 or more')
  .max(10_000, 'must be at most 10000 (100%)')
  .nullable();
export const scalePrefix = z
  .number({ error: 'must be a whole number from 20 to 29' })
  .int('must be a whole number from 20 to 29')
  .min(20, 'must be from 20 to 29')
  .max(29, 'must be from 20 to 29')
  .nullable();
export const scaleItem = z
  .string()
  .trim()
  .regex(/^\d{5}$/, 'must be exactly 5 digits, like 01234')
  .nullable();
export const scaleEmbedsField = z.enum(scaleEmbeds).nullable();

/** A variant's scale settings as a command receives them: all three, all null, or none given. */
export interface ScaleSettings {
  scalePrefix?: number | null | undefined;
  scaleItem?: string | null | undefined;
  scaleEmbeds?: ScaleEmbeds | null | undefined;
}

const scaleKeys = ['scalePrefix', 'scaleItem', 'scaleEmbeds'] as const;

/**
 * The three scale settings go together: a label is read by its prefix and item and means nothing
 * without knowing what it embeds. Refuses some set and others missing, naming each missing one.
 * An edit clears them by giving all three as null; one given alone is refused too. A new variant
 * (`isNew`) has none when none is set.
 */
export function assertScaleSettings(given: ScaleSettings, path = '', isNew = false): void {
  const v: ScaleSettings = isNew
    ? {
        scalePrefix: given.scalePrefix ?? null,
        scaleItem: given.scaleItem ?? null,
        scaleEmbeds: given.scaleEmbeds ?? null,
      }
    : given;
  const set = scaleKeys.filter((k) => v[k] !== undefined && v[k] !== null);
  const cleared = scaleKeys.every((k) => v[k] === null);
  const untouched = scaleKeys.every((k) => v[k] === undefined);
  if (set.length === scaleKeys.length || cleared || untouched) return;
  if (set.length === 0)
    throw validationError(
      scaleKeys
        .filter((k) => v[k] === undefined)
        .map((k) => ({
          field: `${path}${k}`,
          message: 'must be cleared (null) with the other scale settings',
        })),
    );
  const message = 'is needed with the other scale settings (prefix, item code and what it embeds)';
  throw validationError(
    scaleKeys.filter((k) => !set.includes(k)).map((k) => ({ field: `${path}${k}`, message })),
  );
}

/** "prefix 21, item 01234": how a scale code is named in a message. */
export const scaleCodeName = (prefix: number, item: string) => `prefix ${prefix}, item ${item}`;

const skuRow = z.object({ sku: z.string() });

/** Refuses a scale code another variant has, naming the item code's field. */
export function assertScaleFree(
  ctx: Context,
  v: ScaleSettings,
  exceptId: string | null,
  path = '',
): void {
  if (v.scalePrefix === undefined || v.scalePrefix === null || !v.scaleItem) return;
  const other = parseRow(
    skuRow,
    ctx.db.sqlite
      .prepare('SELECT sku FROM variants WHERE scale_prefix = ? AND scale_item = ? AND id IS NOT ?')
      .get(v.scalePrefix, v.scaleItem, exceptId),
  );
  if (other) throw scaleTaken(v.scalePrefix, v.scaleItem, `${path}scaleItem`, other.sku);
}

export const scaleTaken = (prefix: number, item: string, field: string, by?: string) => {
  const message = `the scale code ${scaleCodeName(prefix, item)} is already used by ${by ? `variant ${by}` : 'another variant'}`;
  return new DomainError('CONFLICT', `${field}: ${message}`, {
    field,
    issues: [{ field, message }],
  });
};

/** What a scale label says: its prefix, item code and embedded value, and its check digit. */
export interface ScaleLabel {
  prefix: number;
  item: string;
  value: number;
  checkDigitRight: boolean;
}

/** A scale label's parts, or null when the code is no in-store EAN-13 (13 digits, 20–29). */
export function readScaleLabel(code: string): ScaleLabel | null {
  if (!/^2\d{12}$/.test(code)) return null;
  return {
    prefix: Number(code.slice(0, 2)),
    item: code.slice(2, 7),
    value: Number(code.slice(7, 12)),
    checkDigitRight: gs1CheckDigit(code.slice(0, 12)) === Number(code[12]),
  };
}

/** The label a scale prints: prefix, item, the value in five digits and the check digit. */
export function scaleLabel(prefix: number, item: string, value: number): string {
  if (!Number.isInteger(value) || value < 0 || value > 99_999)
    throw new RangeError(`a scale label holds 0 to 99999, not ${value}`);
  const body = `${prefix}${item}${String(value).padStart(5, '0')}`;
  return `${body}${gs1CheckDigit(body)}`;
}

/**
 * The quantity a label stands for: the weight itself, in the product's unit; or the embedded
 * price over the unit price, rounded to a whole unit and at least one. Null when it stands for
 * nothing that can be sold (a weight of 0, a price label for a variant without a price).
 */
export function scaleQuantity(
  embeds: ScaleEmbeds,
  value: number,
  unitPrice: number,
): number | null {
  if (embeds === 'weight') return value > 0 ? value : null;
  if (unitPrice <= 0) return null;
  return Math.max(1, Math.round(value / unitPrice));
}
