// Which supplier sent an invoice and which of our variants each of its lines is (decision 0033).
// What identifies a company or a product outright comes first (a tax id, a phone, an email;
// the supplier's own code, a barcode); a name only proposes, with its score, for a person to
// confirm. Nothing is created here: a supplier we do not know comes back as a proposal.
import { z } from 'zod';
import type { Db } from '../db/open';
import { parseRows } from '../db/rows';
import { variantNameSql } from '../catalog/lookup';
import type { ReadInvoice, ReadLine } from './document';
import {
  containment,
  normaliseCode,
  normaliseCompany,
  normalisePhone,
  normaliseText,
  similarity,
} from './similarity';

export { compareWithOrder, type OrderComparison, type ComparedLine } from './compare';

/** A name this alike, or more, is proposed as the supplier; below, only listed. */
export const SUPPLIER_NAME_MATCH = 0.8;
/** A description this alike to a variant's name, or more, is proposed as that variant. */
export const LINE_NAME_MATCH = 0.6;
/** Below this a name is not even listed as a candidate. */
const LISTED = 0.35;
const MAX_CANDIDATES = 5;

export type SupplierMatchBy = 'tax_id' | 'phone' | 'email' | 'name';

export interface SupplierCandidate {
  supplierId: string;
  name: string;
  by: SupplierMatchBy;
  score: number;
}

export interface SupplierMatch {
  /** Null when nothing identifies a known supplier well enough to propose it. */
  supplierId: string | null;
  by: SupplierMatchBy | null;
  /** 0–1: 1 for a tax id; a name's similarity for a name. */
  score: number;
  candidates: SupplierCandidate[];
  /** No supplier matched: what was read, for a person to add one with (never added here). */
  proposeNew: {
    name: string | null;
    taxId: string | null;
    phone: string | null;
    email: string | null;
  } | null;
}

const supplierRow = z.object({
  id: z.string(),
  name: z.string(),
  taxId: z.string().nullable(),
  phone: z.string().nullable(),
  email: z.string().nullable(),
  active: z.number(),
});

/** How sure each way of knowing a supplier is; a name scores its similarity. */
const BY_SCORE = { tax_id: 1, phone: 0.95, email: 0.95 } as const;

export function matchSupplier(db: Db, read: ReadInvoice): SupplierMatch {
  const suppliers = parseRows(
    supplierRow,
    db.sqlite
      .prepare(
        `SELECT id, name, tax_id AS taxId, phone, email, active FROM suppliers ORDER BY active DESC, name, id`,
      )
      .all(),
  );
  const taxId = read.supplierTaxId ? normaliseCode(read.supplierTaxId.value) : '';
  const phone = read.supplierPhone ? normalisePhone(read.supplierPhone.value) : null;
  const email = read.supplierEmail?.value.trim().toLowerCase() ?? '';
  const name = read.supplierName ? normaliseCompany(read.supplierName.value) : '';

  const found: SupplierCandidate[] = [];
  for (const s of suppliers) {
    const theirTax = s.taxId ? normaliseCode(s.taxId) : '';
    // Two different tax ids are two companies, however alike their names or shared their phone.
    const otherCompany = taxId.length >= 4 && theirTax.length >= 4 && taxId !== theirTax;
    let by: SupplierMatchBy | null = null;
    let score = 0;
    if (taxId.length >= 4 && taxId === theirTax) [by, score] = ['tax_id', BY_SCORE.tax_id];
    else if (otherCompany) continue;
    else if (phone && s.phone && normalisePhone(s.phone) === phone)
      [by, score] = ['phone', BY_SCORE.phone];
    else if (email && s.email?.trim().toLowerCase() === email)
      [by, score] = ['email', BY_SCORE.email];
    else if (name) {
      const alike = Math.min(NAME_AT_BEST, similarity(name, normaliseCompany(s.name)));
      if (alike >= LISTED) [by, score] = ['name', round(alike)];
    }
    if (by) found.push({ supplierId: s.id, name: s.name, by, score });
  }
  found.sort((a, b) => b.score - a.score || a.name.localeCompare(b.name));
  const candidates = found.slice(0, MAX_CANDIDATES);
  const best = candidates[0];
  const second = candidates[1];
  // A name alone is proposed only when it is close, and clearly closer than the next one; a
  // phone or email two suppliers share proposes neither.
  const sure =
    best !== undefined &&
    (best.by !== 'name'
      ? second === undefined || second.by !== best.by || second.score < best.score
      : best.score >= SUPPLIER_NAME_MATCH &&
        (second === undefined || best.score - second.score >= 0.05));
  if (best && sure)
    return {
      supplierId: best.supplierId,
      by: best.by,
      score: best.score,
      candidates,
      proposeNew: null,
    };
  const anything =
    read.supplierName || read.supplierTaxId || read.supplierPhone || read.supplierEmail;
  return {
    supplierId: null,
    by: null,
    score: 0,
    candidates,
    proposeNew: anything
      ? {
          name: read.supplierName?.value ?? null,
          taxId: read.supplierTaxId?.value ?? null,
          phone: read.supplierPhone?.value ?? null,
          email: read.supplierEmail?.value ?? null,
        }
      : null,
  };
}

export type LineMatchBy = 'supplier_code' | 'barcode' | 'name';

export interface LineCandidate {
  variantId: string;
  sku: string;
  name: string;
  by: LineMatchBy;
  score: number;
}

export interface LineMatch {
  /** The variant proposed; by 'name' it is a proposal for a person to confirm, never final. */
  variantId: string | null;
  by: LineMatchBy | null;
  score: number;
  /** Best first, at most 5. */
  candidates: LineCandidate[];
  /** The supplier's item for the proposed variant, if it sells it. */
  supplierItemId: string | null;
  /** The supplier's current price for it (minor units), else what the last order paid. */
  lastPrice: number | null;
  /** Other lines (0-based) proposed the same variant: one of them is likely wrong. */
  sameVariantAs: number[];
}

const variantRow = z.object({
  id: z.string(),
  sku: z.string(),
  barcode: z.string().nullable(),
  name: z.string(),
  active: z.number(),
});

const itemRow = z.object({
  id: z.string(),
  variantId: z.string(),
  supplierCode: z.string().nullable(),
  price: z.number().int(),
  active: z.number(),
});

const lastPriceRow = z.object({ variantId: z.string(), price: z.number().int() });

interface Catalog {
  variants: (z.infer<typeof variantRow> & { normalised: string })[];
  byId: Map<string, z.infer<typeof variantRow>>;
  byBarcode: Map<string, string>;
  items: z.infer<typeof itemRow>[];
  itemOf: Map<string, z.infer<typeof itemRow>>;
  lastOrdered: Map<string, number>;
}

function catalogOf(db: Db, supplierId: string | null): Catalog {
  const variants = parseRows(
    variantRow,
    db.sqlite
      .prepare(
        `SELECT v.id, v.sku, v.barcode, ${variantNameSql} AS name, v.active AND p.active AS active
         FROM variants v JOIN products p ON p.id = v.product_id ORDER BY v.sku`,
      )
      .all(),
  ).map((v) => ({ ...v, normalised: normaliseText(v.name) }));
  const items = supplierId
    ? parseRows(
        itemRow,
        db.sqlite
          .prepare(
            `SELECT id, variant_id AS variantId, supplier_code AS supplierCode, price, active
             FROM supplier_items WHERE supplier_id = ? ORDER BY active DESC, id`,
          )
          .all(supplierId),
      )
    : [];
  // The newest order line per variant from this supplier: its price is the last one agreed.
  const lastOrdered = supplierId
    ? parseRows(
        lastPriceRow,
        db.sqlite
          .prepare(
            `SELECT l.variant_id AS variantId, l.price FROM purchase_order_lines l
             JOIN purchase_orders o ON o.id = l.order_id
             WHERE o.supplier_id = ? AND o.status <> 'draft'
             ORDER BY o.created_at ASC, o.id ASC, l.line_no ASC`,
          )
          .all(supplierId),
      )
    : [];
  const itemOf = new Map<string, z.infer<typeof itemRow>>();
  for (const item of items) if (!itemOf.has(item.variantId)) itemOf.set(item.variantId, item);
  return {
    variants,
    byId: new Map(variants.map((v) => [v.id, v])),
    byBarcode: new Map(variants.flatMap((v) => (v.barcode ? [[v.barcode, v.id] as const] : []))),
    items,
    itemOf,
    lastOrdered: new Map(lastOrdered.map((r) => [r.variantId, r.price])),
  };
}

const round = (n: number) => Math.round(n * 1000) / 1000;

/** A name is never as sure as a code: even the same words score below a code's 1. */
const NAME_AT_BEST = 0.99;

/** How well a line's description names a variant: alike overall, and holding its name. */
const nameScore = (description: string, variantName: string) =>
  round(
    Math.min(
      NAME_AT_BEST,
      (similarity(description, variantName) + containment(variantName, description)) / 2,
    ),
  );

/** Numbers long enough to be barcodes (EAN-8 to GTIN-14) in a line's code and description. */
const barcodesIn = (line: ReadLine): string[] =>
  [line.code?.value ?? '', line.description.value].flatMap((t) => t.match(/\d{8,14}/g) ?? []);

function matchLine(catalog: Catalog, line: ReadLine): Omit<LineMatch, 'sameVariantAs'> {
  const candidate = (variantId: string, by: LineMatchBy, score: number): LineCandidate[] => {
    const v = catalog.byId.get(variantId);
    return v ? [{ variantId, sku: v.sku, name: v.name, by, score }] : [];
  };
  const exact: LineCandidate[] = [];
  const code = line.code ? normaliseCode(line.code.value) : '';
  if (code)
    for (const item of catalog.items)
      if (item.supplierCode && normaliseCode(item.supplierCode) === code)
        exact.push(...candidate(item.variantId, 'supplier_code', item.active ? 1 : 0.95));
  if (exact.length === 0)
    for (const number of barcodesIn(line)) {
      const variantId = catalog.byBarcode.get(number);
      if (variantId && !exact.some((c) => c.variantId === variantId))
        exact.push(...candidate(variantId, 'barcode', 1));
    }

  const description = normaliseText(line.description.value);
  const scored = (pool: Catalog['variants']) =>
    pool
      .map((v) => ({ v, score: nameScore(description, v.normalised) }))
      .filter((s) => s.score >= LISTED)
      .sort(
        (a, b) => b.score - a.score || b.v.active - a.v.active || a.v.sku.localeCompare(b.v.sku),
      );
  // The supplier's own items first: a name that fits one of them is the likelier reading.
  const own = scored(catalog.variants.filter((v) => catalog.itemOf.has(v.id)));
  const all = scored(catalog.variants);
  const ownBest = own[0] && own[0].score >= LINE_NAME_MATCH ? [own[0]] : [];
  // The supplier's fitting item leads; the rest follow best first.
  const byName = [...ownBest, ...all].flatMap(({ v, score }) => candidate(v.id, 'name', score));

  const candidates: LineCandidate[] = [];
  for (const c of [...exact, ...byName])
    if (!candidates.some((d) => d.variantId === c.variantId) && candidates.length < MAX_CANDIDATES)
      candidates.push(c);
  const best = candidates[0];
  const proposed = best && (best.by !== 'name' || best.score >= LINE_NAME_MATCH) ? best : null;
  const item = proposed ? catalog.itemOf.get(proposed.variantId) : undefined;
  return {
    variantId: proposed?.variantId ?? null,
    by: proposed?.by ?? null,
    score: proposed?.score ?? 0,
    candidates,
    supplierItemId: item?.id ?? null,
    lastPrice: proposed
      ? (item?.price ?? catalog.lastOrdered.get(proposed.variantId) ?? null)
      : null,
  };
}

/**
 * Each line on its own: a variant one line matched by name draws no other line to it. Lines
 * that end up on the same variant are flagged for the person reviewing.
 */
export function matchLines(db: Db, supplierId: string | null, lines: ReadLine[]): LineMatch[] {
  const catalog = catalogOf(db, supplierId);
  const matches = lines.map((line) => matchLine(catalog, line));
  return matches.map((m, i) => ({
    ...m,
    sameVariantAs:
      m.variantId === null
        ? []
        : matches.flatMap((other, j) => (j !== i && other.variantId === m.variantId ? [j] : [])),
  }));
}
