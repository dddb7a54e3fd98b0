// CSV import at head office: the catalog (products, variants, prices, barcodes), customers, and
// opening stock per branch. Every row is checked before anything is written; a dry run answers the
// list of problems (row, column, what is wrong and what to do), a real run writes every row or,
// when any row has a problem, nothing (the command's one transaction). Each row becomes the same
// events the screens' commands emit, so imported data syncs like typed data
// (docs/decisions/0024-master-data-edit-archive-import.md).
import type { Statement } from 'better-sqlite3';
import { z } from 'zod';
import { barcode as barcodeField, sku as skuField } from '../catalog/commands';
import { checkDigitMessage, checkDigitProblem } from '../catalog/barcode';
import type { Context } from '../contract/context';
import { command } from '../contract/define';
import { phoneNumber } from '../contract/fields';
import { requireActor } from '../contract/scope';
import { parseRow, parseRows } from '../db/rows';
import { DomainError, type IssueRule } from '../errors';
import { emit, refuseIfNotHere } from '../events/emit';
import { newId } from '../ids';
import { companyCurrency, parseMoney, type Currency } from '../locale/money';
import { customerWithPhone } from '../sales/customers';
import { parseCsv, type CsvRow, type CsvTable } from './csv';

export interface ImportIssue {
  /** The row as the spreadsheet numbers it (the header is row 1). */
  row: number;
  /** The column's header, or '' for the row as a whole. */
  column: string;
  /** What is wrong and what to do. */
  message: string;
  /** Which kind of rule, for screens in other languages (core/errors.ts `issueRules`). */
  rule?: IssueRule;
  limit?: number;
}

/** Reports a problem of one cell of the row being checked. */
type Issue = (column: string, message: string, rule?: Pick<ImportIssue, 'rule' | 'limit'>) => void;

export interface ImportReport {
  dryRun: boolean;
  /** Rows read (blank rows are skipped). */
  rows: number;
  /** Rows written: 0 on a dry run or when any row has a problem. */
  written: number;
  issues: ImportIssue[];
}

const input = z.object({
  // About 10 MB of text: a catalog of a hundred thousand rows.
  csv: z.string().max(10_000_000, 'the file is larger than 10 MB; split it into parts'),
  dryRun: z.boolean(),
});

const MAX_ROWS = 100_000;

// Statements prepared once per database: a row's checks run ten thousand times in one import.
const statements = new WeakMap<object, Map<string, Statement<unknown[]>>>();
function stmt(ctx: Context, sql: string) {
  let byText = statements.get(ctx.db.sqlite);
  if (!byText) statements.set(ctx.db.sqlite, (byText = new Map()));
  let s = byText.get(sql);
  if (!s) byText.set(sql, (s = ctx.db.sqlite.prepare<unknown[]>(sql)));
  return s;
}

/** What a kind of import needs: its columns, a check per row, and the writes once all pass. */
interface Importer<P> {
  required: string[];
  optional: string[];
  /** Any column starting so is allowed too (attributes: `attr:size`). */
  prefix?: string;
  check: (ctx: Context, row: CsvRow, issue: Issue) => P | null;
  /** Checks across rows (duplicates in the file), after each row's own. */
  across?: (
    ctx: Context,
    rows: { row: CsvRow; parsed: P }[],
    issue: (row: number, column: string, message: string) => void,
  ) => void;
  write: (ctx: Context, rows: P[]) => void;
}

function run<P>(
  ctx: Context,
  importerFor: (table: CsvTable) => Importer<P>,
  raw: string,
  dryRun: boolean,
): ImportReport {
  refuseIfNotHere(ctx, 'variant.saved');
  const table: CsvTable = parseCsv(raw);
  const importer = importerFor(table);
  const missing = importer.required.filter((c) => !table.header.includes(c));
  if (missing.length > 0)
    throw new DomainError(
      'VALIDATION',
      `csv: the header lacks the column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}; add ${missing.length > 1 ? 'them' : 'it'} to the first row (expected: ${[...importer.required, ...importer.optional].join(', ')})`,
      { field: 'csv', missing },
    );
  const unknown = table.header.filter(
    (h) =>
      h !== '' &&
      !importer.required.includes(h) &&
      !importer.optional.includes(h) &&
      !(importer.prefix && h.startsWith(importer.prefix)),
  );
  if (unknown.length > 0)
    throw new DomainError(
      'VALIDATION',
      `csv: the header names unknown column${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}; rename or remove ${unknown.length > 1 ? 'them' : 'it'} (expected: ${[...importer.required, ...importer.optional].join(', ')})`,
      { field: 'csv', unknown },
    );
  if (table.rows.length === 0)
    throw new DomainError(
      'VALIDATION',
      'csv: the file has a header but no rows; add the rows to import',
      { field: 'csv' },
    );
  if (table.rows.length > MAX_ROWS)
    throw new DomainError(
      'VALIDATION',
      `csv: the file has ${table.rows.length} rows; import at most ${MAX_ROWS} at a time`,
      { field: 'csv' },
    );

  const issues: ImportIssue[] = [];
  const good: { row: CsvRow; parsed: P }[] = [];
  for (const row of table.rows) {
    const before = issues.length;
    const parsed = importer.check(ctx, row, (column, message, rule) =>
      issues.push({ row: row.row, column, message, ...rule }),
    );
    if (parsed !== null && issues.length === before) good.push({ row, parsed });
  }
  importer.across?.(ctx, good, (row, column, message) => issues.push({ row, column, message }));
  issues.sort((a, b) => a.row - b.row);
  const report = { dryRun, rows: table.rows.length, written: 0, issues };
  if (dryRun) return report;
  if (issues.length > 0) {
    const bad = new Set(issues.map((i) => i.row)).size;
    throw new DomainError(
      'VALIDATION',
      `csv: ${bad} row${bad > 1 ? 's have' : ' has'} problems, so nothing was imported; fix ${bad > 1 ? 'them' : 'it'} (a dry run lists each) and import the file again`,
      {
        field: 'csv',
        issues: issues.map(({ row, column, ...issue }) => ({
          field: `rows.${row}.${column}`,
          ...issue,
        })),
      },
    );
  }
  importer.write(
    ctx,
    good.map((g) => g.parsed),
  );
  return { ...report, written: good.length };
}

/** Finds duplicates of a key across rows, reporting each row after the first that has it. */
function duplicates<P>(
  rows: { row: CsvRow; parsed: P }[],
  key: (p: P) => string | null,
  column: string,
  what: string,
  issue: (row: number, column: string, message: string) => void,
) {
  const first = new Map<string, number>();
  for (const { row, parsed } of rows) {
    const k = key(parsed);
    if (k === null) continue;
    const earlier = first.get(k);
    if (earlier === undefined) first.set(k, row.row);
    else issue(row.row, column, `${what} ${k} is also on row ${earlier}; keep one of the two rows`);
  }
}

const yes = (s: string) => /^(yes|y|true|1|x)$/i.test(s);

// A file separated by `;` comes from a locale that writes a decimal comma (1.234,50).
const localeOf = (separator: ',' | ';') => (separator === ';' ? 'de' : 'en');

/** A count of units is an amount with no decimals, as far as reading it goes. */
const units: Currency = { code: '', symbol: '', minorUnits: 0 };

/**
 * A whole number as a person writes it, by the rules amounts are read by: digits (grouped or
 * not), never the forms only a program writes (0x10, 1e3), which Number() would quietly accept.
 */
const wholeNumber = (separator: ',' | ';', text: string): number | null =>
  parseMoney(text, units, localeOf(separator));

function money(
  currency: Currency,
  separator: ',' | ';',
  text: string,
  column: string,
  issue: Issue,
): number | null {
  const value = parseMoney(text, currency, localeOf(separator));
  if (text === '') issue(column, 'is empty; write the amount, like 120.50', { rule: 'required' });
  else if (value === null || value < 0)
    issue(
      column,
      `"${text}" is not an amount; write it like 120.50 (at most ${currency.minorUnits} decimals, not negative)`,
      { rule: 'format' },
    );
  else return value;
  return null;
}

function zodIssue(schema: z.ZodType, value: string, column: string, issue: Issue): string | null {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data as string;
  issue(column, `"${value}" ${parsed.error.issues[0]?.message ?? 'is not valid'}`, {
    rule: 'format',
  });
  return null;
}

// ---- catalog ----------------------------------------------------------------------------------

interface CatalogLine {
  product: string;
  category: string;
  unit: string;
  sku: string;
  barcode: string | null;
  price: number;
  cost: number;
  minStock: number;
  confirmed: boolean;
  attributes: Record<string, string>;
}

function catalogImporter(separator: ',' | ';', currency: Currency): Importer<CatalogLine> {
  return {
    required: ['product', 'category', 'sku', 'price', 'cost'],
    optional: ['unit', 'barcode', 'min_stock', 'below_cost_ok'],
    prefix: 'attr:',
    check: (ctx, { cells }, issue) => {
      const product = cells.product ?? '';
      const category = cells.category ?? '';
      if (product === '')
        issue('product', "is empty; write the product's name", { rule: 'required' });
      else if (product.length > 120)
        issue('product', 'is longer than 120 characters; shorten it', {
          rule: 'max_length',
          limit: 120,
        });
      if (category === '')
        issue('category', 'is empty; write a category, like Shirts', { rule: 'required' });
      else if (category.length > 80)
        issue('category', 'is longer than 80 characters; shorten it', {
          rule: 'max_length',
          limit: 80,
        });
      const sku = zodIssue(skuField, cells.sku ?? '', 'sku', issue);
      if (sku && stmt(ctx, 'SELECT 1 FROM variants WHERE sku = ?').get(sku))
        issue(
          'sku',
          `${sku} is already in the catalog; choose another SKU, or edit that variant in Products`,
        );
      let barcode: string | null = null;
      if (cells.barcode) {
        barcode = zodIssue(barcodeField, cells.barcode, 'barcode', issue);
        const problem = barcode ? checkDigitProblem(barcode) : null;
        if (barcode && problem) {
          issue('barcode', checkDigitMessage(barcode, problem));
          barcode = null;
        } else if (barcode && stmt(ctx, 'SELECT 1 FROM variants WHERE barcode = ?').get(barcode))
          issue(
            'barcode',
            `${barcode} is already on another variant in the catalog; check the code, or leave it empty`,
          );
      }
      const price = money(currency, separator, cells.price ?? '', 'price', issue);
      const cost = money(currency, separator, cells.cost ?? '', 'cost', issue);
      const confirmed = yes(cells.below_cost_ok ?? '');
      if (price !== null && cost !== null && price <= cost && !confirmed)
        issue(
          'price',
          'is at or below the cost; raise the price, or write yes in below_cost_ok to confirm it sells so',
        );
      let minStock = 0;
      if (cells.min_stock) {
        const n = wholeNumber(separator, cells.min_stock);
        if (n === null || n < 0 || n > 10_000_000)
          issue(
            'min_stock',
            `"${cells.min_stock}" is not a whole number of 0 or more; write one, or leave it empty`,
          );
        else minStock = n;
      }
      const unit = cells.unit || 'pcs';
      if (unit.length > 20)
        issue('unit', 'is longer than 20 characters; shorten it, like pcs', {
          rule: 'max_length',
          limit: 20,
        });
      const attributes: Record<string, string> = {};
      for (const [k, v] of Object.entries(cells))
        if (k.startsWith('attr:') && v !== '') {
          if (v.length > 80)
            issue(k, 'is longer than 80 characters; shorten it', { rule: 'max_length', limit: 80 });
          attributes[k.slice(5, 45)] = v;
        }
      if (sku === null || price === null || cost === null) return null;
      return {
        product,
        category,
        unit,
        sku,
        barcode,
        price,
        cost,
        minStock,
        confirmed,
        attributes,
      };
    },
    across: (_ctx, rows, issue) => {
      duplicates(rows, (p) => p.sku, 'sku', 'SKU', issue);
      duplicates(rows, (p) => p.barcode, 'barcode', 'barcode', issue);
    },
    write: (ctx, lines) => {
      const by = requireActor(ctx).userId;
      const existing = new Map<string, string>();
      for (const p of parseRows(
        productRow,
        ctx.db.sqlite.prepare('SELECT id, name FROM products').all(),
      ))
        existing.set(p.name.toLowerCase(), p.id);
      for (const l of lines) {
        // Rows with the same product name are that product's variants; a name the catalog has
        // already gains the variants.
        let productId = existing.get(l.product.toLowerCase());
        if (productId === undefined) {
          productId = newId(ctx.now());
          existing.set(l.product.toLowerCase(), productId);
          emit(ctx, 'product.saved', productId, {
            id: productId,
            name: l.product,
            category: l.category,
            unit: l.unit,
            active: true,
          });
        }
        const variantId = newId(ctx.now());
        emit(ctx, 'variant.saved', productId, {
          id: variantId,
          productId,
          sku: l.sku,
          barcode: l.barcode,
          attributes: l.attributes,
          price: l.price,
          cost: l.cost,
          minStock: l.minStock,
          active: true,
          ...(l.price <= l.cost && l.confirmed && { belowCostConfirmedBy: by }),
        });
      }
    },
  };
}

export const importCatalog = command({
  access: 'data.import',
  input,
  // The separator decides how amounts are read (a `;` file writes decimal commas).
  handler: (ctx, i): ImportReport =>
    run(ctx, (t) => catalogImporter(t.separator, companyCurrency(ctx.db)), i.csv, i.dryRun),
});

// ---- branches by code, shared -----------------------------------------------------------------

const branchRow = z.object({ id: z.string(), kind: z.string(), active: z.number() });
const productRow = z.object({ id: z.string(), name: z.string() });
const variantRow = z.object({ id: z.string(), sku: z.string(), active: z.number() });

function branchOf(
  ctx: Context,
  code: string,
  kinds: string[],
  issue: Issue,
): z.infer<typeof branchRow> | null {
  if (code === '') {
    issue('branch', 'is empty; write the branch code, like SH01', { rule: 'required' });
    return null;
  }
  const b = parseRow(
    branchRow,
    stmt(ctx, 'SELECT id, kind, active FROM branches WHERE code = ?').get(code.toUpperCase()),
  );
  if (!b) issue('branch', `no branch has the code ${code}; write the code shown in Branches`);
  else if (!b.active)
    issue('branch', `${code} is archived; restore it in Branches first, or use another branch`);
  else if (!kinds.includes(b.kind))
    issue('branch', `${code} is a ${b.kind.replace('_', ' ')}; use a ${kinds.join(' or ')}`);
  else return b;
  return null;
}

// ---- customers --------------------------------------------------------------------------------

const phoneField = phoneNumber(
  'is not a phone number; write digits, spaces or dashes, like +251 911 123456',
);

interface CustomerLine {
  branchId: string;
  name: string;
  phone: string | null;
}

const customersImporter: Importer<CustomerLine> = {
  required: ['name', 'branch'],
  optional: ['phone'],
  check: (ctx, { cells }, issue) => {
    const name = cells.name ?? '';
    if (name === '') issue('name', "is empty; write the customer's name", { rule: 'required' });
    else if (name.length > 120)
      issue('name', 'is longer than 120 characters; shorten it', {
        rule: 'max_length',
        limit: 120,
      });
    const phone = cells.phone ? zodIssue(phoneField, cells.phone, 'phone', issue) : null;
    // The rule customers.create keeps: an import adds no second customer for a phone.
    const same = phone ? customerWithPhone(ctx.db.sqlite, phone) : undefined;
    if (same)
      issue(
        'phone',
        `is ${same.name}'s already; leave the row out, or give this customer another phone`,
      );
    const branch = branchOf(ctx, cells.branch ?? '', ['shop'], issue);
    if (!branch || name === '') return null;
    return { branchId: branch.id, name, phone };
  },
  across: (_ctx, rows, issue) =>
    duplicates(
      rows,
      (p) => (p.phone ? p.phone.replace(/\D/g, '') : null),
      'phone',
      'phone number',
      issue,
    ),
  write: (ctx, lines) => {
    for (const l of lines) {
      const id = newId(ctx.now());
      emit(ctx, 'customer.saved', id, { id, branchId: l.branchId, name: l.name, phone: l.phone });
    }
  },
};

export const importCustomers = command({
  access: 'data.import',
  input,
  handler: (ctx, i): ImportReport => run(ctx, () => customersImporter, i.csv, i.dryRun),
});

// ---- opening stock ----------------------------------------------------------------------------

interface StockLine {
  branchId: string;
  branchCode: string;
  variantId: string;
  sku: string;
  quantity: number;
}

/** Said in the stock ledger's reason, so the movement history shows where the count came from. */
export const openingStockReason = 'Opening stock (CSV import)';

const openingStockImporter = (separator: ',' | ';'): Importer<StockLine> => ({
  required: ['branch', 'sku', 'quantity'],
  optional: [],
  check: (ctx, { cells }, issue) => {
    const branch = branchOf(ctx, cells.branch ?? '', ['shop', 'factory'], issue);
    const code = cells.sku ?? '';
    const v = code
      ? parseRow(
          variantRow,
          stmt(
            ctx,
            'SELECT v.id, v.sku, v.active AND p.active AS active FROM variants v JOIN products p ON p.id = v.product_id WHERE v.sku = upper(?) OR v.barcode = ?',
          ).get(code, code),
        )
      : undefined;
    if (code === '')
      issue('sku', 'is empty; write the SKU or barcode of the variant', { rule: 'required' });
    else if (!v)
      issue(
        'sku',
        `nothing in the catalog has the SKU or barcode ${code}; import the catalog first, or correct the code`,
      );
    else if (!v.active)
      issue('sku', `${v.sku} is archived; restore it in Products first, or remove this row`);
    const n = wholeNumber(separator, cells.quantity ?? '');
    const quantity = n !== null && n > 0 && n <= 10_000_000 ? n : null;
    if (quantity === null)
      issue(
        'quantity',
        `"${cells.quantity ?? ''}" is not a whole number greater than 0; write the count, or remove the row`,
      );
    if (
      branch &&
      v?.active &&
      stmt(ctx, 'SELECT 1 FROM stock_movements WHERE branch_id = ? AND variant_id = ? LIMIT 1').get(
        branch.id,
        v.id,
      )
    )
      issue(
        'sku',
        `${v.sku} already has stock movements at this branch, so it has no opening stock to set; correct it with a stock count or an adjustment`,
      );
    if (!branch || !v?.active || quantity === null) return null;
    return {
      branchId: branch.id,
      branchCode: (cells.branch ?? '').toUpperCase(),
      variantId: v.id,
      sku: v.sku,
      quantity,
    };
  },
  across: (_ctx, rows, issue) =>
    duplicates(rows, (p) => `${p.sku} at ${p.branchCode}`, 'sku', 'variant', issue),
  write: (ctx, lines) => {
    for (const l of lines)
      emit(ctx, 'stock.adjusted', l.variantId, {
        branchId: l.branchId,
        variantId: l.variantId,
        quantity: l.quantity,
        reason: openingStockReason,
      });
  },
});

export const importOpeningStock = command({
  access: 'data.import',
  input,
  handler: (ctx, i): ImportReport =>
    run(ctx, (t) => openingStockImporter(t.separator), i.csv, i.dryRun),
});
