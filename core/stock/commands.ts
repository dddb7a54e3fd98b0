import { and, desc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { requireBranchOfKind, requireVariant, variantNameSql } from '../catalog/lookup';
import { command, query } from '../contract/define';
import { countedQuantity, id, page, quantity, signedQuantity, text } from '../contract/fields';
import { assertBranchAccess, requireActor } from '../contract/scope';
import { prepared } from '../db/prepared';
import { parseRow, parseRows } from '../db/rows';
import { events, stockMovements } from '../db/schema';
import { DomainError } from '../errors';
import { emit } from '../events/emit';
import { newId } from '../ids';
import { countOf, countsOf, transferOf } from './events';
import { balanceOf } from './ledger';
import { likeContaining } from '../db/like';

const branchOrOwn = (ctx: Parameters<typeof requireActor>[0], branchId: string | undefined) =>
  branchId ?? requireActor(ctx).branchId;

export const adjustStock = command({
  access: 'stock.adjust',
  input: z.object({
    branchId: id.optional(),
    variantId: id,
    quantity: signedQuantity,
    reason: text(300),
  }),
  handler: (ctx, input) => {
    const branchId = branchOrOwn(ctx, input.branchId);
    assertBranchAccess(ctx, branchId, 'adjust stock');
    requireBranchOfKind(ctx, branchId, ['factory', 'shop']);
    requireVariant(ctx, input.variantId);
    const before = balanceOf(ctx.db, branchId, input.variantId);
    if (before.onHand + input.quantity < 0)
      throw new DomainError(
        'INSUFFICIENT_STOCK',
        `quantity: only ${before.onHand} on hand, so at most ${before.onHand} can be taken off`,
        { field: 'quantity', onHand: before.onHand },
      );
    emit(ctx, 'stock.adjusted', input.variantId, { ...input, branchId });
    return balanceOf(ctx.db, branchId, input.variantId);
  },
});

export const transferStock = command({
  access: 'stock.transfer',
  input: z.object({
    fromBranchId: id,
    toBranchId: id,
    variantId: id,
    quantity,
    reason: text(300).nullable().default(null),
  }),
  handler: (ctx, input) => {
    if (input.fromBranchId === input.toBranchId)
      throw new DomainError('VALIDATION', 'toBranchId: must differ from fromBranchId', {
        field: 'toBranchId',
      });
    assertBranchAccess(ctx, input.fromBranchId, 'transfer stock');
    requireBranchOfKind(ctx, input.fromBranchId, ['factory', 'shop'], 'fromBranchId');
    requireBranchOfKind(ctx, input.toBranchId, ['factory', 'shop'], 'toBranchId');
    requireVariant(ctx, input.variantId);
    const from = balanceOf(ctx.db, input.fromBranchId, input.variantId);
    if (from.available < input.quantity)
      throw new DomainError(
        'INSUFFICIENT_STOCK',
        `quantity: only ${from.available} available to transfer`,
        {
          field: 'quantity',
          available: from.available,
        },
      );
    // Sent: off the sender now, in transit at the receiver until received there (0022).
    const transferId = newId(ctx.now());
    emit(ctx, 'stock.transfer_sent', transferId, {
      id: transferId,
      fromBranchId: input.fromBranchId,
      toBranchId: input.toBranchId,
      variantId: input.variantId,
      quantity: input.quantity,
      note: input.reason,
    });
    return { transferId, ...balanceOf(ctx.db, input.fromBranchId, input.variantId) };
  },
});

export const stockBalance = query({
  access: 'stock.read',
  input: z.object({ branchId: id, variantId: id }),
  handler: (ctx, input) => balanceOf(ctx.db, input.branchId, input.variantId),
});

const stockRow = z.object({
  variantId: z.string(),
  sku: z.string(),
  name: z.string(),
  unit: z.string(),
  minStock: z.number(),
  onHand: z.number(),
  reserved: z.number(),
  available: z.number(),
  inTransit: z.number(),
  low: z.union([z.literal(0), z.literal(1)]),
});
export type StockRow = z.infer<typeof stockRow>;

export const listStock = query({
  access: 'stock.read',
  input: z.object({
    branchId: id,
    search: z.string().trim().max(100).optional(),
    lowOnly: z.boolean().default(false),
    negativeOnly: z.boolean().default(false),
    ...page,
  }),
  handler: (ctx, input) => {
    const like = input.search ? likeContaining(input.search) : null;
    // Raw SQL: the name is built with json_each, which drizzle has no word for; rows are parsed.
    const rows = ctx.db.sqlite
      .prepare(
        `SELECT v.id AS variantId, v.sku, ${variantNameSql} AS name,
                p.unit, v.min_stock AS minStock,
                coalesce(b.on_hand, 0) AS onHand, coalesce(b.reserved, 0) AS reserved,
                coalesce(b.on_hand, 0) - coalesce(b.reserved, 0) AS available, coalesce(b.in_transit, 0) AS inTransit,
                (coalesce(b.on_hand, 0) - coalesce(b.reserved, 0)) < v.min_stock AS low
         FROM variants v JOIN products p ON p.id = v.product_id
         LEFT JOIN stock_balances b ON b.variant_id = v.id AND b.branch_id = @branchId
         WHERE v.active AND p.active
           AND (@like IS NULL OR p.name LIKE @like ESCAPE '\\' OR v.sku LIKE @like ESCAPE '\\' OR v.barcode = @search)
           AND (NOT @lowOnly OR (coalesce(b.on_hand, 0) - coalesce(b.reserved, 0)) < v.min_stock)
           AND (NOT @negativeOnly OR coalesce(b.on_hand, 0) < 0 OR coalesce(b.on_hand, 0) - coalesce(b.reserved, 0) < 0)
         ORDER BY low DESC, p.name, v.sku LIMIT @limit OFFSET @offset`,
      )
      .all({
        branchId: input.branchId,
        like,
        search: input.search ?? null,
        lowOnly: input.lowOnly ? 1 : 0,
        negativeOnly: input.negativeOnly ? 1 : 0,
        limit: input.limit,
        offset: input.offset,
      });
    return parseRows(stockRow, rows);
  },
});

export const listMovements = query({
  access: 'stock.read',
  input: z.object({ branchId: id, variantId: id, ...page }),
  handler: (ctx, input) =>
    movementList(ctx.db).all({
      branchId: input.branchId,
      variantId: input.variantId,
      limit: input.limit,
      offset: input.offset,
    }),
});

const movementList = prepared((orm) =>
  orm
    .select({
      kind: stockMovements.kind,
      onHand: stockMovements.onHand,
      reserved: stockMovements.reserved,
      inTransit: stockMovements.inTransit,
      orderId: stockMovements.orderId,
      reason: stockMovements.reason,
      createdAt: stockMovements.createdAt,
      userId: events.userId,
    })
    .from(stockMovements)
    .innerJoin(events, eq(events.id, stockMovements.eventId))
    .where(
      and(
        eq(stockMovements.branchId, sql.placeholder('branchId')),
        eq(stockMovements.variantId, sql.placeholder('variantId')),
      ),
    )
    .orderBy(desc(stockMovements.id))
    .limit(sql.placeholder('limit'))
    .offset(sql.placeholder('offset'))
    .prepare(),
);

export const receiveTransfer = command({
  access: 'stock.transfer',
  input: z.object({
    transferId: id,
    received: countedQuantity,
    note: text(300).nullable().default(null),
  }),
  handler: (ctx, input) => {
    const transfer = transferOf(ctx.db, input.transferId);
    if (!transfer)
      throw new DomainError('NOT_FOUND', 'transferId: there is no such transfer', {
        field: 'transferId',
      });
    assertBranchAccess(ctx, transfer.toBranchId, 'receive a transfer');
    if (transfer.status !== 'in_transit')
      throw new DomainError('INVALID_STATE', 'transferId: this transfer was already received', {
        field: 'transferId',
      });
    // More than was sent would create stock the sender never gave up; goods beyond the
    // transfer came from somewhere else and are counted in like any other found stock.
    if (input.received > transfer.quantity)
      throw new DomainError(
        'VALIDATION',
        `received: only ${transfer.quantity} were sent, so at most ${transfer.quantity} can be received; count in anything beyond that with a stock adjustment (or a stock count)`,
        { field: 'received', sent: transfer.quantity },
      );
    if (input.received !== transfer.quantity && !input.note)
      throw new DomainError(
        'VALIDATION',
        `note: ${transfer.quantity} were sent and ${input.received} arrived; say what happened to the difference`,
        { field: 'note' },
      );
    emit(ctx, 'stock.transfer_received', input.transferId, {
      transferId: input.transferId,
      toBranchId: transfer.toBranchId,
      received: input.received,
      note: input.note,
    });
    return balanceOf(ctx.db, transfer.toBranchId, transfer.variantId);
  },
});

const transferRowOut = z.object({
  id: z.string(),
  fromBranchId: z.string(),
  fromName: z.string(),
  toBranchId: z.string(),
  toName: z.string(),
  variantId: z.string(),
  sku: z.string(),
  name: z.string(),
  quantity: z.number(),
  received: z.number().nullable(),
  status: z.enum(['in_transit', 'received']),
  note: z.string().nullable(),
  receiptNote: z.string().nullable(),
  sentAt: z.number(),
  receivedAt: z.number().nullable(),
});
export type TransferRow = z.infer<typeof transferRowOut>;

export const listTransfers = query({
  access: 'stock.read',
  input: z.object({
    branchId: id,
    status: z.enum(['in_transit', 'received']).optional(),
    ...page,
  }),
  handler: (ctx, input) => {
    // Raw SQL: the item's name is built with json_each, as in stock.list; rows are parsed.
    const rows = ctx.db.sqlite
      .prepare(
        `SELECT t.id, t.from_branch_id AS fromBranchId, fb.name AS fromName, t.to_branch_id AS toBranchId,
                tb.name AS toName, t.variant_id AS variantId, v.sku, ${variantNameSql} AS name, t.quantity,
                t.received, t.status, t.note, t.receipt_note AS receiptNote, t.sent_at AS sentAt,
                t.received_at AS receivedAt
         FROM stock_transfers t JOIN branches fb ON fb.id = t.from_branch_id
         JOIN branches tb ON tb.id = t.to_branch_id
         JOIN variants v ON v.id = t.variant_id JOIN products p ON p.id = v.product_id
         WHERE (t.from_branch_id = @branchId OR t.to_branch_id = @branchId)
           AND (@status IS NULL OR t.status = @status)
         ORDER BY t.status = 'received', t.sent_at DESC, t.id LIMIT @limit OFFSET @offset`,
      )
      .all({
        branchId: input.branchId,
        status: input.status ?? null,
        limit: input.limit,
        offset: input.offset,
      });
    return parseRows(transferRowOut, rows);
  },
});

export const startCount = command({
  access: 'stock.count',
  input: z.object({
    branchId: id.optional(),
    category: z.string().trim().max(100).nullable().default(null),
  }),
  handler: (ctx, input) => {
    const branchId = branchOrOwn(ctx, input.branchId);
    assertBranchAccess(ctx, branchId, 'count stock');
    requireBranchOfKind(ctx, branchId, ['factory', 'shop']);
    const countId = newId(ctx.now());
    emit(ctx, 'stock.count_started', countsOf(branchId), {
      countId,
      branchId,
      category: input.category || null,
    });
    return { countId };
  },
});

const sheetLine = z.object({
  variantId: z.string(),
  sku: z.string(),
  barcode: z.string().nullable(),
  name: z.string(),
  unit: z.string(),
  onHand: z.number(),
});
export type CountSheetLine = z.infer<typeof sheetLine>;

const countHead = z.object({
  id: z.string(),
  branchId: z.string(),
  category: z.string().nullable(),
  deviceId: z.string(),
  startedAt: z.number(),
  postedAt: z.number().nullable(),
  counterName: z.string().nullable(),
  lines: z.number(),
  held: z.number(),
});
export type CountHead = z.infer<typeof countHead>;

const countHeads = `SELECT c.id, c.branch_id AS branchId, c.category, c.device_id AS deviceId,
    c.started_at AS startedAt, c.posted_at AS postedAt, c.counter_name AS counterName,
    (SELECT count(*) FROM stock_count_lines l WHERE l.count_id = c.id) AS lines,
    (SELECT count(*) FROM stock_count_lines l WHERE l.count_id = c.id AND l.status = 'held') AS held
  FROM stock_counts c`;

/** The count sheet: the variants in the count's scope with what the ledger has on hand now. */
export const countSheet = query({
  access: 'stock.read',
  input: z.object({ countId: id }),
  handler: (ctx, input) => {
    const head = parseRows(
      countHead,
      ctx.db.sqlite.prepare(`${countHeads} WHERE c.id = ?`).all(input.countId),
    )[0];
    if (!head)
      throw new DomainError('NOT_FOUND', 'countId: there is no such count', { field: 'countId' });
    const rows = ctx.db.sqlite
      .prepare(
        `SELECT v.id AS variantId, v.sku, v.barcode, ${variantNameSql} AS name, p.unit,
                coalesce(b.on_hand, 0) AS onHand
         FROM variants v JOIN products p ON p.id = v.product_id
         LEFT JOIN stock_balances b ON b.variant_id = v.id AND b.branch_id = @branchId
         WHERE v.active AND p.active AND (@category IS NULL OR p.category = @category)
         ORDER BY p.name, v.sku`,
      )
      .all({ branchId: head.branchId, category: head.category });
    return {
      ...head,
      ownedHere: head.deviceId === ctx.device?.id,
      lines: parseRows(sheetLine, rows),
    };
  },
});

export const listCounts = query({
  access: 'stock.read',
  input: z.object({ branchId: id }),
  handler: (ctx, input) =>
    parseRows(
      countHead,
      ctx.db.sqlite
        .prepare(
          `${countHeads} WHERE c.branch_id = ? ORDER BY c.posted_at IS NOT NULL, c.started_at DESC LIMIT 50`,
        )
        .all(input.branchId),
    ),
});

/**
 * What the ledger showed on hand when a line was counted (0022). The post adjusts by
 * counted − expected, so an unbounded figure would post any adjustment at all. On hand may be
 * negative after a merge, so both signs (and 0) are real, within the bound of any quantity.
 */
const onHandWhenCounted = z
  .number({ error: 'must be a whole number' })
  .int('must be a whole number')
  .min(-10_000_000, 'is too far below 0; enter what the count sheet showed on hand')
  .max(10_000_000, 'is too large; enter what the count sheet showed on hand');

export const postCount = command({
  access: 'stock.count',
  input: z.object({
    countId: id,
    counterName: text(100),
    lines: z
      .array(
        z.object({
          variantId: id,
          expected: onHandWhenCounted,
          counted: countedQuantity,
        }),
      )
      .min(1, 'count at least one item before posting'),
  }),
  handler: (ctx, input) => {
    const count = countOf(ctx.db, input.countId);
    if (!count)
      throw new DomainError('NOT_FOUND', 'countId: there is no such count', { field: 'countId' });
    assertBranchAccess(ctx, count.branchId, 'count stock');
    if (count.deviceId !== ctx.device?.id)
      throw new DomainError(
        'FORBIDDEN',
        'countId: this count belongs to the PC that started it; post it there, or start a count here',
        { field: 'countId' },
      );
    if (count.postedAt !== null)
      throw new DomainError('INVALID_STATE', 'countId: this count was already posted', {
        field: 'countId',
      });
    const seen = new Set<string>();
    for (const [i, line] of input.lines.entries()) {
      if (seen.has(line.variantId))
        throw new DomainError(
          'VALIDATION',
          `lines: item ${i + 1} is counted twice; add it up into one line`,
          {
            field: 'lines',
          },
        );
      seen.add(line.variantId);
      requireVariant(ctx, line.variantId, 'lines');
    }
    emit(ctx, 'stock.count_posted', countsOf(count.branchId), {
      ...input,
      branchId: count.branchId,
    });
    return { countId: input.countId };
  },
});

const heldLine = z.object({
  branchId: z.string(),
  branchName: z.string(),
  countId: z.string(),
  otherCountId: z.string(),
  variantId: z.string(),
  sku: z.string(),
  name: z.string(),
  expected: z.number(),
  counted: z.number(),
  counterName: z.string().nullable(),
  postedAt: z.number().nullable(),
  otherExpected: z.number(),
  otherCounted: z.number(),
  otherCounterName: z.string().nullable(),
  otherPostedAt: z.number().nullable(),
});
export type HeldCountLine = z.infer<typeof heldLine>;

/** Counts of the same variant in overlapping sessions, held for an admin to choose one. */
export const heldCounts = query({
  access: 'branches.manage',
  input: z.object({}),
  handler: (ctx) =>
    parseRows(
      heldLine,
      ctx.db.sqlite
        .prepare(
          `SELECT c.branch_id AS branchId, br.name AS branchName, l.count_id AS countId, l.held_by AS otherCountId,
                  l.variant_id AS variantId, v.sku, ${variantNameSql} AS name, l.expected, l.counted,
                  c.counter_name AS counterName, c.posted_at AS postedAt, o.expected AS otherExpected,
                  o.counted AS otherCounted, oc.counter_name AS otherCounterName, oc.posted_at AS otherPostedAt
           FROM stock_count_lines l JOIN stock_counts c ON c.id = l.count_id
           JOIN branches br ON br.id = c.branch_id
           JOIN stock_count_lines o ON o.count_id = l.held_by AND o.variant_id = l.variant_id
           JOIN stock_counts oc ON oc.id = l.held_by
           JOIN variants v ON v.id = l.variant_id JOIN products p ON p.id = v.product_id
           WHERE l.status = 'held' ORDER BY c.posted_at, l.count_id, v.sku`,
        )
        .all(),
    ),
});

export const chooseCount = command({
  access: 'branches.manage',
  input: z.object({
    countId: id,
    variantId: id,
    useHeld: z.boolean(),
    note: text(300),
  }),
  handler: (ctx, input) => {
    const held = parseRow(
      z.object({ branchId: z.string(), otherCountId: z.string() }),
      ctx.db.sqlite
        .prepare(
          `SELECT c.branch_id AS branchId, l.held_by AS otherCountId FROM stock_count_lines l
         JOIN stock_counts c ON c.id = l.count_id WHERE l.count_id = ? AND l.variant_id = ? AND l.status = 'held'`,
        )
        .get(input.countId, input.variantId),
    );
    if (!held)
      throw new DomainError('NOT_FOUND', 'countId: no count line waits for a choice here', {
        field: 'countId',
      });
    emit(ctx, 'stock.count_chosen', countsOf(held.branchId), { ...input, ...held });
    return { ok: true as const };
  },
});
