// The branch database. camelCase in TypeScript, snake_case in SQL (drizzle `casing`).
// Replicated tables are written only by event projections (core/events/projections.ts);
// device-local tables (sessions, login_state, sequences, meta) never leave the PC.
import { sql } from 'drizzle-orm';
import {
  index,
  integer,
  primaryKey,
  sqliteTable,
  text,
  uniqueIndex,
} from 'drizzle-orm/sqlite-core';
import {
  branchKinds,
  countLineStatuses,
  customerOrderStatuses,
  stopStatuses,
  tripStatuses,
  workKinds,
  orderStatuses,
  paymentMethods,
  purchaseStatuses,
  roles,
  stockTransferStatuses,
} from '../vocabulary';

const now = sql`(CAST(unixepoch('subsec') * 1000 AS INTEGER))`;
/** Per-field hybrid-logical-clock stamps of a master-data row: `{ field: hlc }`. */
const clocks = () => text().notNull().default('{}');

export const branches = sqliteTable('branches', {
  id: text().primaryKey(),
  code: text().notNull().unique(),
  name: text().notNull(),
  kind: text({ enum: branchKinds }).notNull(),
  active: integer({ mode: 'boolean' }).notNull().default(true),
  clocks: clocks(),
});

export const devices = sqliteTable(
  'devices',
  {
    id: text().primaryKey(),
    branchId: text()
      .notNull()
      .references(() => branches.id),
    number: integer().notNull(),
    name: text().notNull(),
  },
  (t) => [uniqueIndex('devices_branch_number').on(t.branchId, t.number)],
);

export const users = sqliteTable(
  'users',
  {
    id: text().primaryKey(),
    branchId: text()
      .notNull()
      .references(() => branches.id),
    username: text().notNull().unique(),
    displayName: text().notNull(),
    role: text({ enum: roles }).notNull(),
    passwordHash: text().notNull(),
    disabled: integer({ mode: 'boolean' }).notNull().default(false),
    /** A customer's sign-in to the portal: the customer it is (role 'customer' only). */
    customerId: text(),
    /** A sales rep's commission on orders delivered and paid, in basis points (decision 0034). */
    commissionBp: integer(),
    clocks: clocks(),
  },
  (t) => [index('users_branch').on(t.branchId)],
);

export const loginState = sqliteTable('login_state', {
  userId: text()
    .primaryKey()
    .references(() => users.id),
  failedAttempts: integer().notNull().default(0),
  lockedUntil: integer(),
});

export const sessions = sqliteTable(
  'sessions',
  {
    tokenHash: text().primaryKey(),
    userId: text()
      .notNull()
      .references(() => users.id),
    deviceId: text().notNull(),
    createdAt: integer().notNull(),
    expiresAt: integer().notNull(),
  },
  (t) => [index('sessions_user').on(t.userId)],
);

export const products = sqliteTable('products', {
  id: text().primaryKey(),
  name: text().notNull(),
  category: text().notNull(),
  unit: text().notNull(),
  active: integer({ mode: 'boolean' }).notNull().default(true),
  clocks: clocks(),
});

export const variants = sqliteTable(
  'variants',
  {
    id: text().primaryKey(),
    productId: text()
      .notNull()
      .references(() => products.id),
    sku: text().notNull().unique(),
    barcode: text().unique(),
    attributes: text().notNull().default('{}'),
    price: integer().notNull(),
    cost: integer().notNull(),
    minStock: integer().notNull().default(0),
    /** Tax rate in basis points (1500 = 15%); null: the product category's rate. */
    taxRateBp: integer(),
    /** Scale barcodes (EAN-13, prefix 20–29): the prefix, the 5-digit item code, and what the
     * label embeds (weight in the product's unit, or the price in minor units). */
    scalePrefix: integer(),
    scaleItem: text(),
    scaleEmbeds: text({ enum: ['weight', 'price'] }),
    active: integer({ mode: 'boolean' }).notNull().default(true),
    clocks: clocks(),
  },
  (t) => [
    index('variants_product').on(t.productId),
    uniqueIndex('variants_scale').on(t.scalePrefix, t.scaleItem),
  ],
);

export const priceHistory = sqliteTable(
  'price_history',
  {
    id: integer().primaryKey({ autoIncrement: true }),
    variantId: text()
      .notNull()
      .references(() => variants.id),
    eventId: text().notNull(),
    /** Null where that edit left the field as it was. */
    price: integer(),
    cost: integer(),
    hlc: text().notNull(),
    changedAt: integer().notNull(),
    userId: text().notNull(),
  },
  (t) => [index('price_history_variant').on(t.variantId, t.hlc)],
);

export const events = sqliteTable(
  'events',
  {
    seq: integer().primaryKey({ autoIncrement: true }),
    id: text().notNull().unique(),
    type: text().notNull(),
    schemaVersion: integer().notNull(),
    branchId: text().notNull(),
    deviceId: text().notNull(),
    userId: text().notNull(),
    hlc: text().notNull(),
    createdAt: integer().notNull(),
    aggregateId: text(),
    payload: text().notNull(),
    /** The server's order; null while the event waits to be pushed. */
    serverSeq: integer(),
    /** The server's clock when it received the event; caps the event's clock for merging. */
    receivedHlc: text(),
    /** applied, conflict (invalid when applied in the server's order) or deferred (unknown type). */
    applyStatus: text({ enum: ['applied', 'conflict', 'deferred'] })
      .notNull()
      .default('applied'),
  },
  (t) => [
    index('events_aggregate').on(t.aggregateId),
    index('events_server_seq').on(t.serverSeq),
    // Only this PC's events still to push: a pulled event (numbered) never enters it, and the
    // push's query (device, unnumbered, in order) reads it whole.
    index('events_pending')
      .on(t.deviceId, t.seq)
      .where(sql`${t.serverSeq} IS NULL`),
    // Only the events an older app kept aside, which every start of the app looks for.
    index('events_deferred')
      .on(t.serverSeq)
      .where(sql`${t.applyStatus} = 'deferred'`),
    // Only the events that name files, so each sync round's look for files to fetch reads those
    // and not the whole log. The types are the registry's fileNamingTypes, sorted: the query
    // (namedFilesSql in core/sync/engine.ts) must repeat the condition word for word, and a test
    // holds it so. Equalities, not IN (...): SQLite builds a temporary table for an IN list at
    // every insert, which made writing a pulled page about 5% slower.
    index('events_naming_files')
      .on(t.type)
      .where(
        sql`${t.type} = 'delivery.proved' OR ${t.type} = 'order.slip_attached' OR ${t.type} = 'supplier_invoice.uploaded'`,
      ),
  ],
);

export const stockMovements = sqliteTable(
  'stock_movements',
  {
    id: integer().primaryKey({ autoIncrement: true }),
    eventId: text()
      .notNull()
      .references(() => events.id),
    branchId: text()
      .notNull()
      .references(() => branches.id),
    variantId: text()
      .notNull()
      .references(() => variants.id),
    kind: text({
      enum: [
        'production',
        'reservation',
        'release',
        'dispatch',
        'receipt',
        'sale',
        'adjustment',
        'transfer',
        'return',
        'purchase',
      ],
    }).notNull(),
    onHand: integer().notNull().default(0),
    reserved: integer().notNull().default(0),
    inTransit: integer().notNull().default(0),
    orderId: text(),
    reason: text(),
    createdAt: integer().notNull(),
  },
  (t) => [
    index('stock_movements_branch_variant').on(t.branchId, t.variantId),
    index('stock_movements_event').on(t.eventId),
  ],
);

/** A running sum of stock_movements kept by triggers (see the custom migration). */
export const stockBalances = sqliteTable(
  'stock_balances',
  {
    branchId: text().notNull(),
    variantId: text().notNull(),
    onHand: integer().notNull().default(0),
    reserved: integer().notNull().default(0),
    inTransit: integer().notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.branchId, t.variantId] }),
    // The least stocked first (core/analytics/figures.ts lowStock), without reading them all.
    index('stock_balances_on_hand').on(t.onHand, t.branchId, t.variantId),
  ],
);

export const productionBatches = sqliteTable(
  'production_batches',
  {
    id: text().primaryKey(),
    branchId: text()
      .notNull()
      .references(() => branches.id),
    variantId: text()
      .notNull()
      .references(() => variants.id),
    quantity: integer().notNull(),
    producedOn: text().notNull(),
    shift: text(),
    notes: text(),
    userId: text().notNull(),
    recordedAt: integer().notNull(),
    reversesId: text(),
    reversedById: text(),
    eventId: text().notNull(),
  },
  (t) => [index('production_branch_date').on(t.branchId, t.producedOn)],
);

export const orders = sqliteTable(
  'orders',
  {
    id: text().primaryKey(),
    number: text().notNull().unique(),
    shopId: text()
      .notNull()
      .references(() => branches.id),
    factoryId: text()
      .notNull()
      .references(() => branches.id),
    status: text({ enum: orderStatuses }).notNull(),
    total: integer().notNull(),
    lineCount: integer().notNull(),
    note: text(),
    placedAt: integer().notNull(),
    /** The company's day of placedAt (decision 0035): the day the order counts on. */
    day: text().notNull().default(''),
    placedBy: text().notNull(),
    slipHash: text(),
    rejectionReason: text(),
    cancelReason: text(),
    vehicle: text(),
    driverName: text(),
    driverUserId: text(),
    plannedDispatchOn: text(),
    /** When finance verified its payment in full. */
    paidAt: integer(),
    dispatchedAt: integer(),
    deliveredAt: integer(),
    updatedAt: integer().notNull(),
    /** The sum of the payments finance recorded (order_payments), in minor units. */
    paid: integer().notNull().default(0),
    /** Whether a recorded payment differed from what was due then (over or under). */
    paymentMismatch: integer({ mode: 'boolean' }).notNull().default(false),
  },
  (t) => [
    // Lists are newest first with the id as tie-break: each index covers the whole sort.
    index('orders_shop_status_placed').on(t.shopId, t.status, t.placedAt, t.id),
    index('orders_factory_status_placed').on(t.factoryId, t.status, t.placedAt, t.id),
    index('orders_status_placed').on(t.status, t.placedAt, t.id),
    // What is open now, per status, for the dashboards (core/analytics/figures.ts): covering.
    index('orders_open').on(t.status, t.updatedAt, t.total, t.paid, t.shopId, t.factoryId, t.id),
    index('orders_shop_placed').on(t.shopId, t.placedAt, t.id),
    index('orders_factory_placed').on(t.factoryId, t.placedAt, t.id),
    index('orders_placed').on(t.placedAt, t.id),
    // The order list's amount search, when few orders have a total in the range.
    index('orders_total').on(t.total),
  ],
);

export const orderLines = sqliteTable(
  'order_lines',
  {
    orderId: text()
      .notNull()
      .references(() => orders.id),
    lineNo: integer().notNull(),
    variantId: text()
      .notNull()
      .references(() => variants.id),
    sku: text().notNull(),
    name: text().notNull(),
    quantity: integer().notNull(),
    unitPrice: integer().notNull(),
    lineTotal: integer().notNull(),
    dispatchedQty: integer().notNull().default(0),
    receivedQty: integer(),
    /** Of the dispatched quantity, how much the shop has confirmed (delivery is per dispatch). */
    confirmedQty: integer().notNull().default(0),
    /** The back-ordered rest that was cancelled; quantity - dispatched - cancelled is still owed. */
    cancelledQty: integer().notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.orderId, t.lineNo] }),
    // What open orders still owe (core/analytics/figures.ts openOrderQty), covering.
    index('order_lines_open').on(
      t.orderId,
      t.variantId,
      t.quantity,
      t.dispatchedQty,
      t.cancelledQty,
    ),
    // Orders with a product on a line (the order list's search), without reading every line.
    index('order_lines_variant').on(t.variantId, t.orderId),
  ],
);

export const orderTimeline = sqliteTable(
  'order_timeline',
  {
    id: integer().primaryKey({ autoIncrement: true }),
    orderId: text()
      .notNull()
      .references(() => orders.id),
    eventId: text().notNull(),
    step: text().notNull(),
    statusAfter: text().notNull(),
    at: integer().notNull(),
    userId: text().notNull(),
    deviceId: text().notNull(),
    note: text(),
  },
  (t) => [index('order_timeline_order').on(t.orderId)],
);

export const orderDiscrepancies = sqliteTable(
  'order_discrepancies',
  {
    orderId: text()
      .notNull()
      .references(() => orders.id),
    lineNo: integer().notNull(),
    variantId: text().notNull(),
    dispatched: integer().notNull(),
    received: integer().notNull(),
    shortage: integer().notNull(),
    note: text(),
    eventId: text().notNull(),
  },
  (t) => [primaryKey({ columns: [t.orderId, t.lineNo] })],
);

/** Stock sent from one branch to another: in transit until someone there receives it. */
export const stockTransfers = sqliteTable(
  'stock_transfers',
  {
    id: text().primaryKey(),
    fromBranchId: text()
      .notNull()
      .references(() => branches.id),
    toBranchId: text()
      .notNull()
      .references(() => branches.id),
    variantId: text()
      .notNull()
      .references(() => variants.id),
    quantity: integer().notNull(),
    status: text({ enum: stockTransferStatuses }).notNull(),
    note: text(),
    sentAt: integer().notNull(),
    sentBy: text().notNull(),
    received: integer(),
    receiptNote: text(),
    receivedAt: integer(),
    receivedBy: text(),
  },
  (t) => [
    index('stock_transfers_from').on(t.fromBranchId),
    index('stock_transfers_to').on(t.toBranchId),
  ],
);

/** A stock count session, owned by the PC that started it, for a branch and maybe a category. */
export const stockCounts = sqliteTable(
  'stock_counts',
  {
    id: text().primaryKey(),
    branchId: text()
      .notNull()
      .references(() => branches.id),
    category: text(),
    deviceId: text().notNull(),
    startedAt: integer().notNull(),
    startedBy: text().notNull(),
    postedAt: integer(),
    counterName: text(),
  },
  (t) => [index('stock_counts_branch').on(t.branchId)],
);

/** What a count found for one variant, against what the ledger expected when it was counted. */
export const stockCountLines = sqliteTable(
  'stock_count_lines',
  {
    countId: text()
      .notNull()
      .references(() => stockCounts.id),
    variantId: text()
      .notNull()
      .references(() => variants.id),
    expected: integer().notNull(),
    counted: integer().notNull(),
    status: text({ enum: countLineStatuses }).notNull(),
    /** The posted count a held line overlaps. */
    heldBy: text(),
  },
  (t) => [primaryKey({ columns: [t.countId, t.variantId] })],
);

export const files = sqliteTable('files', {
  hash: text().primaryKey(),
  mime: text().notNull(),
  size: integer().notNull(),
  createdAt: integer().notNull().default(now),
});

/** The payments finance recorded against an order: part payments add up until it is paid. */
export const orderPayments = sqliteTable(
  'order_payments',
  {
    orderId: text()
      .notNull()
      .references(() => orders.id),
    eventId: text().primaryKey(),
    amount: integer().notNull(),
    /** What was due when it was recorded: a payment that differs is flagged. */
    due: integer().notNull(),
    receivedOn: text().notNull(),
    reference: text().notNull(),
    recordedAt: integer().notNull(),
    recordedBy: text().notNull(),
  },
  (t) => [index('order_payments_order').on(t.orderId)],
);

export const paymentSlips = sqliteTable(
  'payment_slips',
  {
    id: integer().primaryKey({ autoIncrement: true }),
    orderId: text()
      .notNull()
      .references(() => orders.id),
    fileHash: text()
      .notNull()
      .references(() => files.hash),
    originalName: text().notNull(),
    attachedAt: integer().notNull(),
    attachedBy: text().notNull(),
    status: text({ enum: ['pending', 'verified', 'rejected', 'replaced'] }).notNull(),
    reason: text(),
    eventId: text().notNull(),
  },
  (t) => [index('payment_slips_order').on(t.orderId)],
);

export const customers = sqliteTable(
  'customers',
  {
    id: text().primaryKey(),
    branchId: text()
      .notNull()
      .references(() => branches.id),
    name: text().notNull(),
    phone: text(),
    /** The phone's digits only (its last 9 when longer): what a lookup and duplicates match. */
    phoneKey: text(),
    /** A loyalty card's code, scanned at the counter. */
    card: text(),
    /** The tier head office last computed (null: the program's lowest). */
    tier: text(),
    /** Merged into another customer by an admin: lookups and balances follow it there. */
    mergedInto: text(),
    /** Where goods are delivered, and its coordinates in millionths of a degree. */
    address: text(),
    latE6: integer('lat_e6'),
    lngE6: integer('lng_e6'),
    /** Head office's terms: the sales rep who serves the customer, prices, credit limit. */
    repId: text(),
    priceListId: text(),
    /** In minor units; null: no limit. */
    creditLimit: integer(),
    clocks: clocks(),
  },
  (t) => [
    index('customers_phone').on(t.phoneKey),
    index('customers_card').on(t.card),
    index('customers_name').on(t.name),
    index('customers_merged').on(t.mergedInto),
    index('customers_rep').on(t.repId),
  ],
);

export const sales = sqliteTable(
  'sales',
  {
    id: text().primaryKey(),
    number: text().notNull().unique(),
    branchId: text()
      .notNull()
      .references(() => branches.id),
    customerId: text().references(() => customers.id),
    total: integer().notNull(),
    /** Discounts given on the lines and on the whole sale, and the points reward's amount. */
    discount: integer().notNull().default(0),
    rewardAmount: integer().notNull().default(0),
    tax: integer().notNull().default(0),
    /** The supervisor who signed in to allow a discount beyond the clerk's limit. */
    approvedBy: text(),
    shiftId: text(),
    deviceId: text(),
    pointsEarned: integer().notNull().default(0),
    pointsRedeemed: integer().notNull().default(0),
    tier: text(),
    soldAt: integer().notNull(),
    /** The company's day and hour of soldAt (decision 0035): what the aggregates go by. */
    day: text().notNull().default(''),
    hour: integer().notNull().default(0),
    userId: text().notNull(),
    eventId: text().notNull(),
  },
  (t) => [
    index('sales_branch_sold').on(t.branchId, t.soldAt),
    index('sales_customer_sold').on(t.customerId, t.soldAt),
    index('sales_device_sold').on(t.deviceId, t.soldAt),
  ],
);

export const saleLines = sqliteTable(
  'sale_lines',
  {
    saleId: text()
      .notNull()
      .references(() => sales.id),
    lineNo: integer().notNull(),
    variantId: text()
      .notNull()
      .references(() => variants.id),
    quantity: integer().notNull(),
    unitPrice: integer().notNull(),
    /** The line's own discount and its share of the whole sale's and the reward's. */
    discount: integer().notNull().default(0),
    taxRateBp: integer().notNull().default(0),
    tax: integer().notNull().default(0),
    /** What the customer pays for the line, tax included. */
    lineTotal: integer().notNull(),
  },
  (t) => [primaryKey({ columns: [t.saleId, t.lineNo] })],
);

/** A return of some or all of a sale's lines, at any shop, with its refund. */
export const saleReturns = sqliteTable(
  'sale_returns',
  {
    id: text().primaryKey(),
    saleId: text()
      .notNull()
      .references(() => sales.id),
    number: text().notNull().unique(),
    branchId: text().notNull(),
    deviceId: text(),
    shiftId: text(),
    amount: integer().notNull(),
    tax: integer().notNull().default(0),
    pointsTakenBack: integer().notNull().default(0),
    pointsGivenBack: integer().notNull().default(0),
    reason: text(),
    returnedAt: integer().notNull(),
    /** The company's day and hour of returnedAt (decision 0035). */
    day: text().notNull().default(''),
    hour: integer().notNull().default(0),
    userId: text().notNull(),
    eventId: text().notNull(),
  },
  (t) => [
    index('sale_returns_sale').on(t.saleId),
    index('sale_returns_device').on(t.deviceId, t.returnedAt),
    index('sale_returns_branch').on(t.branchId, t.returnedAt),
  ],
);

export const saleReturnLines = sqliteTable(
  'sale_return_lines',
  {
    returnId: text()
      .notNull()
      .references(() => saleReturns.id),
    lineNo: integer().notNull(),
    /** The sold line's variant, kept here so the aggregates need no other row (decision 0035). */
    variantId: text().notNull().default(''),
    quantity: integer().notNull(),
    amount: integer().notNull(),
    tax: integer().notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.returnId, t.lineNo] })],
);

export const saleRefunds = sqliteTable(
  'sale_refunds',
  {
    returnId: text()
      .notNull()
      .references(() => saleReturns.id),
    payNo: integer().notNull(),
    method: text({ enum: paymentMethods }).notNull(),
    amount: integer().notNull(),
    reference: text(),
  },
  (t) => [primaryKey({ columns: [t.returnId, t.payNo] })],
);

/** A clerk's shift at a till (a device): opened with a float, closed with the cash counted. */
export const shifts = sqliteTable(
  'shifts',
  {
    id: text().primaryKey(),
    branchId: text().notNull(),
    deviceId: text().notNull(),
    openedBy: text().notNull(),
    openedAt: integer().notNull(),
    openingFloat: integer().notNull(),
    closedBy: text(),
    closedAt: integer(),
    expectedCash: integer(),
    countedCash: integer(),
    difference: integer(),
    reason: text(),
  },
  (t) => [index('shifts_device_opened').on(t.deviceId, t.openedAt)],
);

/**
 * The points ledger, like stock: every earn, redemption, return, expiry and adjustment is a row;
 * a balance is a sum. `availableAt`: when earned points may be spent (pending until then);
 * `expiresAt`: when an earned batch expires if not spent first (oldest first).
 */
export const loyaltyMovements = sqliteTable(
  'loyalty_movements',
  {
    id: integer().primaryKey({ autoIncrement: true }),
    eventId: text().notNull(),
    customerId: text().notNull(),
    kind: text({
      enum: ['earn', 'redeem', 'return_earned', 'return_redeemed', 'expire', 'adjust'],
    }).notNull(),
    points: integer().notNull(),
    availableAt: integer().notNull(),
    expiresAt: integer(),
    saleId: text(),
    branchId: text(),
    at: integer().notNull(),
    note: text(),
  },
  (t) => [
    index('loyalty_movements_customer').on(t.customerId, t.availableAt),
    index('loyalty_movements_event').on(t.eventId),
  ],
);

/** Each customer's points (all of the ledger, pending included), kept by triggers. */
export const loyaltyBalances = sqliteTable('loyalty_balances', {
  customerId: text().primaryKey(),
  points: integer().notNull().default(0),
});

/** Head office's loyalty rules (one row, 'default'), merged per field like master data. */
export const loyaltyProgram = sqliteTable('loyalty_program', {
  id: text().primaryKey(),
  /** Minor units spent per point at the base rate (10000 basis points). */
  spendPerPoint: integer(),
  pendingDays: integer(),
  expiryDays: integer(),
  /** Minor units a point is worth when redeemed as an amount off. */
  pointValue: integer(),
  /** JSON: [{ name, minSpend, rateBp }], lowest first. */
  tiers: text(),
  /** JSON: [{ id, name, points, variantId? }]: a free product for a set number of points. */
  rewards: text(),
  clocks: clocks(),
});

/** Receipts this PC owes its printer: a sale stays here until its receipt printed. Not synced. */
export const receiptQueue = sqliteTable('receipt_queue', {
  documentId: text().primaryKey(),
  kind: text({ enum: ['sale', 'return', 'z_report'] }).notNull(),
  status: text({ enum: ['waiting', 'printed'] }).notNull(),
  attempts: integer().notNull().default(0),
  lastError: text(),
  queuedAt: integer().notNull(),
  printedAt: integer(),
});

/** How a sale was paid: amounts as resolved at the till, so every replica writes the same. */
export const salePayments = sqliteTable(
  'sale_payments',
  {
    saleId: text()
      .notNull()
      .references(() => sales.id),
    payNo: integer().notNull(),
    method: text({ enum: paymentMethods }).notNull(),
    amount: integer().notNull(),
    /** Cash only: what the customer handed over (change = tendered − amount). */
    tendered: integer(),
    /** The transfer's or mobile-money transaction's id. */
    reference: text(),
  },
  (t) => [primaryKey({ columns: [t.saleId, t.payNo] })],
);

/** Per-device counters for human-readable numbers (orders, sales). Never synced. */
export const sequences = sqliteTable('sequences', {
  key: text().primaryKey(),
  value: integer().notNull(),
});

/** Device-local settings: which device and branch this database belongs to, the last HLC. */
export const meta = sqliteTable('meta', {
  key: text().primaryKey(),
  value: text().notNull(),
});

/**
 * While a page of events is applied in bulk (`summingAtEnd` in core/analytics/aggregates.ts): for
 * each table the dashboards' aggregates sum, the highest rowid the triggers had counted when the
 * page began. The triggers leave rows above it alone, and the page's end sums them in one
 * statement per table. Empty outside that transaction (decision 0035).
 */
export const aggregateMarks = sqliteTable('aggregate_marks', {
  source: text().primaryKey(),
  mark: integer().notNull(),
});

/** Steps that were not valid when applied in the server's order. Derived: every replica agrees. */
export const conflicts = sqliteTable(
  'conflicts',
  {
    eventId: text().primaryKey(),
    aggregateId: text(),
    eventType: text().notNull(),
    branchId: text().notNull(),
    userId: text().notNull(),
    code: text().notNull(),
    message: text().notNull(),
    at: integer().notNull(),
  },
  (t) => [index('conflicts_aggregate').on(t.aggregateId)],
);

/** An admin's resolution of a conflict; kept apart so re-deriving conflicts never loses it. */
export const conflictResolutions = sqliteTable('conflict_resolutions', {
  eventId: text().primaryKey(),
  resolvedAt: integer().notNull(),
  resolvedBy: text().notNull(),
  note: text().notNull(),
  resolutionEventId: text().notNull(),
});

/**
 * Events of this PC that head office refused (sync-server/authority.ts): taken out of the events
 * and of everything they projected, kept here to show the person why. Device-local.
 */
export const refusedEvents = sqliteTable('refused_events', {
  eventId: text().primaryKey(),
  type: text().notNull(),
  aggregateId: text(),
  userId: text().notNull(),
  code: text().notNull(),
  message: text().notNull(),
  createdAt: integer().notNull(),
  refusedAt: integer().notNull(),
  payload: text().notNull(),
});

/**
 * The company's settings (one row, id 'company'): its currency and the locale its dates and
 * numbers are written in. Set at head office, merged per field; unset fields take the defaults
 * in core/locale/company.ts.
 */
export const companySettings = sqliteTable('company_settings', {
  id: text().primaryKey(),
  currencyCode: text(),
  currencySymbol: text(),
  minorUnits: integer(),
  locale: text(),
  /** Whether prices are entered with tax included (1) or tax is added on top (0). */
  pricesIncludeTax: integer({ mode: 'boolean' }),
  /** JSON { category: basisPoints }: a product category's tax rate. */
  categoryTaxRates: text(),
  /** JSON { role: basisPoints }: the largest discount each role may give without a supervisor. */
  discountLimits: text(),
  /** The IANA time zone the company's days are counted in (Africa/Addis_Ababa). */
  timeZone: text(),
  clocks: clocks(),
});

/** Who the company buys from (decision 0032). Master data set at head office, merged per field. */
export const suppliers = sqliteTable(
  'suppliers',
  {
    id: text().primaryKey(),
    name: text().notNull(),
    taxId: text(),
    phone: text(),
    email: text(),
    /** ISO 4217: the currency its prices and purchase orders are in. */
    currencyCode: text().notNull(),
    paymentTerms: text(),
    leadTimeDays: integer().notNull(),
    active: integer({ mode: 'boolean' }).notNull().default(true),
    clocks: clocks(),
  },
  (t) => [index('suppliers_name').on(t.name)],
);

/** A variant a supplier sells: its code for it, price (supplier's currency), pack and minimum. */
export const supplierItems = sqliteTable(
  'supplier_items',
  {
    id: text().primaryKey(),
    supplierId: text().notNull(),
    variantId: text().notNull(),
    supplierCode: text(),
    /** Per unit of the variant, in minor units of the supplier's currency. */
    price: integer().notNull(),
    packSize: integer().notNull(),
    minOrderQty: integer().notNull(),
    active: integer({ mode: 'boolean' }).notNull().default(true),
    clocks: clocks(),
  },
  (t) => [
    index('supplier_items_supplier').on(t.supplierId),
    index('supplier_items_variant').on(t.variantId),
  ],
);

/** Every price a supplier item had, by the edit that set it. */
export const supplierItemPrices = sqliteTable(
  'supplier_item_prices',
  {
    id: integer().primaryKey({ autoIncrement: true }),
    itemId: text().notNull(),
    eventId: text().notNull(),
    price: integer().notNull(),
    hlc: text().notNull(),
    changedAt: integer().notNull(),
    userId: text().notNull(),
  },
  (t) => [index('supplier_item_prices_item').on(t.itemId, t.hlc)],
);

/** When a branch reorders a variant: below `min`, up to `max` or to `daysOfCover` of demand. */
export const reorderRules = sqliteTable(
  'reorder_rules',
  {
    id: text().primaryKey(),
    branchId: text().notNull(),
    variantId: text().notNull(),
    min: integer().notNull(),
    max: integer(),
    daysOfCover: integer(),
    supplierId: text(),
    active: integer({ mode: 'boolean' }).notNull().default(true),
    clocks: clocks(),
  },
  // Covering what a stock level's minimum asks of the rules (core/analytics/figures.ts lowStock).
  (t) => [index('reorder_rules_branch_variant').on(t.branchId, t.variantId, t.active, t.min)],
);

/** The company's purchasing settings (one row, id 'purchasing'), merged per field. */
export const purchasingSettings = sqliteTable('purchasing_settings', {
  id: text().primaryKey(),
  /** Above this total (company currency, minor units) a second person approves. */
  approvalLimit: integer(),
  /** How much more than ordered a receipt may bring, in basis points of the line's quantity. */
  toleranceBp: integer(),
  /** node-cron expression of the nightly reorder run, and of the forecasts' refit. */
  runSchedule: text(),
  refitSchedule: text(),
  clocks: clocks(),
});

export const purchaseOrders = sqliteTable(
  'purchase_orders',
  {
    id: text().primaryKey(),
    /** Given when approved. */
    number: text(),
    supplierId: text().notNull(),
    /** The branch that receives the goods. */
    branchId: text().notNull(),
    status: text({ enum: purchaseStatuses }).notNull(),
    currencyCode: text().notNull(),
    /** Company currency units per supplier currency unit, a decimal; null: the same currency. */
    rate: text(),
    /** In minor units of the supplier's currency, and of the company's at the order's rate. */
    total: integer().notNull(),
    totalCompany: integer().notNull(),
    source: text({ enum: ['nightly', 'manual'] }).notNull(),
    runId: text(),
    note: text(),
    createdAt: integer().notNull(),
    createdBy: text().notNull(),
    editedBy: text().notNull(),
    approvedBy: text(),
    approvedAt: integer(),
    secondApprovedBy: text(),
    closedReason: text(),
    updatedAt: integer().notNull(),
  },
  (t) => [
    index('purchase_orders_status').on(t.status, t.createdAt),
    index('purchase_orders_branch').on(t.branchId, t.status),
    index('purchase_orders_supplier').on(t.supplierId, t.status),
  ],
);

export const purchaseOrderLines = sqliteTable(
  'purchase_order_lines',
  {
    orderId: text().notNull(),
    lineNo: integer().notNull(),
    variantId: text().notNull(),
    supplierItemId: text(),
    supplierCode: text(),
    quantity: integer().notNull(),
    /** Per unit, supplier's currency, minor units. */
    price: integer().notNull(),
    lineTotal: integer().notNull(),
    received: integer().notNull().default(0),
    /** The reorder rule whose need this line meets (a nightly draft), and why it was suggested. */
    ruleId: text(),
    why: text(),
  },
  (t) => [
    primaryKey({ columns: [t.orderId, t.lineNo] }),
    index('purchase_order_lines_variant').on(t.variantId),
    index('purchase_order_lines_rule').on(t.ruleId),
  ],
);

/** What each receipt brought, line by line: good quantity into stock, rejected with a note. */
export const purchaseReceiptLines = sqliteTable(
  'purchase_receipt_lines',
  {
    id: integer().primaryKey({ autoIncrement: true }),
    eventId: text().notNull(),
    orderId: text().notNull(),
    lineNo: integer().notNull(),
    variantId: text().notNull(),
    branchId: text().notNull(),
    quantity: integer().notNull(),
    rejected: integer().notNull().default(0),
    note: text(),
    /** Per unit in the company's currency at the order's rate: what the variant's cost follows. */
    unitCost: integer().notNull(),
    /** When it was received, by the receiving PC's corrected clock (the event's stamp). */
    receivedAt: integer().notNull(),
    userId: text().notNull(),
  },
  (t) => [
    index('purchase_receipt_lines_event').on(t.eventId),
    index('purchase_receipt_lines_order').on(t.orderId),
    index('purchase_receipt_lines_variant').on(t.variantId, t.receivedAt),
  ],
);

/** A purchase order's steps, newest last: for its card, its screen and its history. */
export const purchaseTimeline = sqliteTable(
  'purchase_timeline',
  {
    id: integer().primaryKey({ autoIncrement: true }),
    orderId: text().notNull(),
    eventId: text().notNull(),
    step: text().notNull(),
    statusAfter: text().notNull(),
    at: integer().notNull(),
    userId: text().notNull(),
    note: text(),
  },
  (t) => [
    index('purchase_timeline_order').on(t.orderId),
    index('purchase_timeline_event').on(t.eventId),
  ],
);

/**
 * A variant's cost from what was received: the quantity-weighted average unit cost of its
 * receipts in the year before its latest one (decision 0032). A function of the receipts alone,
 * so every replica that has them agrees whatever order they came in.
 */
export const variantCosts = sqliteTable('variant_costs', {
  variantId: text().primaryKey(),
  cost: integer().notNull(),
  quantity: integer().notNull(),
  lastReceivedAt: integer().notNull(),
});

/** Head office's stored demand forecasts, refit on their own schedule. Never synced. */
export const forecasts = sqliteTable(
  'forecasts',
  {
    branchId: text().notNull(),
    variantId: text().notNull(),
    fittedAt: integer().notNull(),
    method: text().notNull(),
    shortHistory: integer({ mode: 'boolean' }).notNull(),
    /** JSON: expected quantity per day from the fit's day on. */
    daily: text().notNull(),
  },
  (t) => [primaryKey({ columns: [t.branchId, t.variantId] })],
);

/** Head office's nightly reorder runs: when, how it ended, and what it drafted. Never synced. */
export const purchaseRuns = sqliteTable('purchase_runs', {
  id: text().primaryKey(),
  startedAt: integer().notNull(),
  finishedAt: integer(),
  status: text({ enum: ['running', 'done', 'failed'] }).notNull(),
  rules: integer().notNull().default(0),
  lines: integer().notNull().default(0),
  orders: integer().notNull().default(0),
  error: text(),
});

/**
 * Head office's exchange rates: company currency units per unit of another currency, a decimal
 * as text. A purchase order in that currency takes it when none is entered.
 */
export const exchangeRates = sqliteTable('exchange_rates', {
  id: text().primaryKey(),
  rate: text().notNull(),
  clocks: clocks(),
});

/**
 * A person's description of what will change demand (a holiday, a promotion) and the forecast an
 * AI model proposed for it, bounded by the statistical one; the nightly run reads the latest
 * until the next refit. Head office's own; never synced.
 */
export const forecastAdjustments = sqliteTable(
  'forecast_adjustments',
  {
    id: integer().primaryKey({ autoIncrement: true }),
    branchId: text().notNull(),
    variantId: text().notNull(),
    at: integer().notNull(),
    userId: text().notNull(),
    description: text().notNull(),
    /** JSON: the daily forecast used (null: the model's answer was ignored). */
    daily: text(),
    /** Why the answer was used, clipped or ignored. */
    note: text().notNull(),
    model: text(),
  },
  (t) => [index('forecast_adjustments_series').on(t.branchId, t.variantId, t.at)],
);

/**
 * A supplier invoice or credit note (decision 0033): the file uploaded at a branch or head office,
 * what head office read from it, and, once a person posted it, what it bills. The number key is
 * the number with case, spaces and punctuation taken out: one supplier's invoice is posted once.
 */
export const supplierInvoices = sqliteTable(
  'supplier_invoices',
  {
    id: text().primaryKey(),
    /** Where it was uploaded (head office's own for its console and watched folder). */
    branchId: text().notNull(),
    fileHash: text(),
    mime: text(),
    size: integer(),
    originalName: text(),
    uploadedBy: text(),
    uploadedAt: integer(),
    /** uploaded → read or unreadable → posted → reversed. */
    status: text().notNull(),
    /** JSON: the reading (words, fields, lines, where each was found); null before reading. */
    reading: text(),
    readAt: integer(),
    /** Why the file could not be read, in words for the person. */
    readError: text(),
    kind: text(),
    supplierId: text(),
    number: text(),
    numberKey: text(),
    invoiceDate: text(),
    currencyCode: text(),
    rate: text(),
    subtotal: integer(),
    tax: integer(),
    total: integer(),
    totalCompany: integer(),
    orderId: text(),
    postedAt: integer(),
    postedBy: text(),
    reversedAt: integer(),
    reversedBy: text(),
    reverseReason: text(),
  },
  (t) => [
    index('supplier_invoices_status').on(t.status, t.uploadedAt),
    index('supplier_invoices_file').on(t.fileHash),
    uniqueIndex('supplier_invoices_posted_number')
      .on(t.supplierId, t.numberKey)
      .where(sql`status = 'posted'`),
  ],
);

/** A posted invoice's lines: what each bills, at what cost in the company's currency. */
export const supplierInvoiceLines = sqliteTable(
  'supplier_invoice_lines',
  {
    invoiceId: text().notNull(),
    lineNo: integer().notNull(),
    /** Null: a charge that is not a product (freight, a service). */
    variantId: text(),
    supplierItemId: text(),
    supplierCode: text(),
    description: text().notNull(),
    quantity: integer().notNull(),
    unitPrice: integer().notNull(),
    amount: integer().notNull(),
    /** Per unit, in minor units of the company's currency at the invoice's rate. */
    unitCostCompany: integer().notNull(),
    /** The supplier item's price before posting, so a reversal can restore it. */
    priceBefore: integer(),
    /** When the invoice was posted (by its stamp): the cost's date. */
    postedAt: integer().notNull(),
    credit: integer({ mode: 'boolean' }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.invoiceId, t.lineNo] }),
    index('supplier_invoice_lines_variant').on(t.variantId, t.postedAt),
  ],
);

/** A price list head office keeps for some customers (decision 0034), merged per field. */
export const priceLists = sqliteTable('price_lists', {
  id: text().primaryKey(),
  name: text(),
  /** JSON [{ variantId, price }]: the whole list's prices, merged as one field. */
  prices: text(),
  clocks: clocks(),
});

/** A price list's prices as rows, rewritten from `price_lists.prices` when it changes. */
export const priceListPrices = sqliteTable(
  'price_list_prices',
  {
    listId: text().notNull(),
    variantId: text().notNull(),
    price: integer().notNull(),
  },
  (t) => [primaryKey({ columns: [t.listId, t.variantId] })],
);

/** A customer's order for delivery from a branch (decision 0034). */
export const customerOrders = sqliteTable(
  'customer_orders',
  {
    id: text().primaryKey(),
    number: text().notNull().unique(),
    branchId: text().notNull(),
    customerId: text().notNull(),
    /** The sales rep the order counts for (the customer's rep when it was taken), if any. */
    repId: text(),
    source: text({ enum: ['rep', 'branch', 'portal'] }).notNull(),
    /**
     * The order's own steps (requested, held, open, cancelled). On a trip and delivered are the
     * trip's to say (trip_stops, delivery_proofs): each aggregate writes only its own rows, so a
     * re-fold of either is complete (decision 0034). Queries show the status both give.
     */
    status: text({ enum: customerOrderStatuses }).notNull(),
    /** JSON array of the holds it waited for (credit, stock), as they were when it was taken. */
    holds: text().notNull().default('[]'),
    total: integer().notNull(),
    note: text(),
    placedAt: integer().notNull(),
    placedBy: text().notNull(),
    approvedBy: text(),
    cancelReason: text(),
    updatedAt: integer().notNull(),
  },
  (t) => [
    index('customer_orders_branch_status').on(t.branchId, t.status, t.placedAt),
    index('customer_orders_customer').on(t.customerId, t.placedAt),
    index('customer_orders_rep').on(t.repId, t.placedAt),
  ],
);

export const customerOrderLines = sqliteTable(
  'customer_order_lines',
  {
    orderId: text().notNull(),
    lineNo: integer().notNull(),
    variantId: text().notNull(),
    sku: text().notNull(),
    name: text().notNull(),
    quantity: integer().notNull(),
    unitPrice: integer().notNull(),
    /** Of what was delivered, how much came back later (customer_order.returned). */
    returnedQty: integer().notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.orderId, t.lineNo] })],
);

/**
 * A customer's account as a ledger (decision 0034): a delivery adds what the customer owes, a
 * collection or payment takes it off. The balance is a sum, so offline collections merge.
 */
export const customerAccount = sqliteTable(
  'customer_account',
  {
    id: integer().primaryKey({ autoIncrement: true }),
    eventId: text().notNull(),
    customerId: text().notNull(),
    branchId: text().notNull(),
    kind: text({ enum: ['delivery', 'collection', 'payment', 'return'] }).notNull(),
    /** Positive: the customer owes more; negative: paid or credited. */
    amount: integer().notNull(),
    orderId: text(),
    tripId: text(),
    method: text(),
    reference: text(),
    at: integer().notNull(),
    /** The company day of `at` (decision 0035): a payment counts as money received that day. */
    day: text().notNull().default(''),
  },
  (t) => [
    index('customer_account_customer').on(t.customerId, t.at),
    index('customer_account_event').on(t.eventId),
    index('customer_account_trip').on(t.tripId),
  ],
);

/** A delivery trip of a branch (decision 0034). */
export const trips = sqliteTable(
  'trips',
  {
    id: text().primaryKey(),
    number: text().notNull().unique(),
    branchId: text().notNull(),
    /** The day it is driven (YYYY-MM-DD, the company's day). */
    day: text().notNull(),
    driverId: text().notNull(),
    vehicle: text().notNull(),
    status: text({ enum: tripStatuses }).notNull(),
    plannedAt: integer().notNull(),
    plannedBy: text().notNull(),
    /** The hand-in at its end: cash the collections say, cash counted, and why they differ. */
    cashExpected: integer(),
    cashCounted: integer(),
    cashReason: text(),
    closedAt: integer(),
    closedBy: text(),
    updatedAt: integer().notNull(),
  },
  (t) => [
    index('trips_branch_day').on(t.branchId, t.day),
    index('trips_driver_day').on(t.driverId, t.day),
  ],
);

export const tripStops = sqliteTable(
  'trip_stops',
  {
    tripId: text().notNull(),
    orderId: text().notNull(),
    seq: integer().notNull(),
    customerId: text().notNull(),
    status: text({ enum: stopStatuses }).notNull(),
    /** The proof that closed it (delivery_proofs.id), or why it was not delivered. */
    proofId: text(),
    failReason: text(),
  },
  (t) => [primaryKey({ columns: [t.tripId, t.orderId] }), index('trip_stops_order').on(t.orderId)],
);

/**
 * A proof of delivery: made on the driver's device with its own id, so a resend never attaches
 * it twice; the device's corrected time beside head office's receipt (decision 0034).
 */
export const deliveryProofs = sqliteTable(
  'delivery_proofs',
  {
    id: text().primaryKey(),
    eventId: text().notNull(),
    tripId: text().notNull(),
    orderId: text().notNull().unique(),
    customerId: text().notNull(),
    driverId: text().notNull(),
    deviceId: text().notNull(),
    /** The device's corrected time, never before the trip was planned. */
    deliveredAt: integer().notNull(),
    /** Head office's clock when it received the proof (null until it has). */
    receivedHlc: text(),
    signatureFile: text().notNull(),
    signedBy: text().notNull(),
    collected: integer().notNull().default(0),
    method: text(),
    reference: text(),
    note: text(),
    onTime: integer({ mode: 'boolean' }).notNull(),
  },
  (t) => [index('delivery_proofs_trip').on(t.tripId)],
);

export const deliveryProofLines = sqliteTable(
  'delivery_proof_lines',
  {
    proofId: text().notNull(),
    lineNo: integer().notNull(),
    variantId: text().notNull(),
    loaded: integer().notNull(),
    delivered: integer().notNull(),
    damaged: integer().notNull(),
    short: integer().notNull(),
    reason: text(),
    photoFile: text(),
  },
  (t) => [primaryKey({ columns: [t.proofId, t.lineNo] })],
);

/** Crates and empties a customer gave back at a stop. */
export const deliveryReturns = sqliteTable(
  'delivery_returns',
  {
    proofId: text().notNull(),
    variantId: text().notNull(),
    quantity: integer().notNull(),
  },
  (t) => [primaryKey({ columns: [t.proofId, t.variantId] })],
);

/**
 * Verified work, written by the projections that verify it (decision 0034): what badges and
 * leaderboards count. A credit is voided (not deleted) when the work is undone (returned).
 */
export const workCredits = sqliteTable(
  'work_credits',
  {
    id: integer().primaryKey({ autoIncrement: true }),
    eventId: text().notNull(),
    personId: text().notNull(),
    kind: text({ enum: workKinds }).notNull(),
    /** What it is for: the order, trip or customer. */
    ref: text().notNull(),
    /**
     * Whether it counts: 1, or 0 for work that did not qualify (a late trip, which breaks a
     * streak). Its amount goes in `amount` (an order's delivered total).
     */
    value: integer().notNull().default(1),
    amount: integer().notNull().default(0),
    /** When the work was done (corrected time), and its day in the company's time zone. */
    at: integer().notNull(),
    day: text().notNull(),
    /**
     * A row that takes back the credit of the same kind and ref (the goods came back): written
     * by the event that undid the work, so every event keeps only its own rows.
     */
    voids: integer({ mode: 'boolean' }).notNull().default(false),
  },
  (t) => [
    // Both cover what the leaderboards and settling read, so neither visits the table; a board
    // reads its role's kinds over the period's days, so kind comes first.
    index('work_credits_ref').on(t.kind, t.ref, t.personId, t.voids),
    index('work_credits_person').on(t.personId, t.kind, t.at),
    index('work_credits_day').on(t.kind, t.day, t.voids, t.value, t.personId, t.ref),
    index('work_credits_event').on(t.eventId),
  ],
);

/** What each kind of verified work is worth on the leaderboards (one row, 'default'). */
export const workPoints = sqliteTable('work_points', {
  id: text().primaryKey(),
  /** JSON { kind: points }. */
  points: text(),
  clocks: clocks(),
});

/** Head office's badge rules (decision 0034), merged per field. */
export const badgeRules = sqliteTable('badge_rules', {
  id: text().primaryKey(),
  name: text(),
  /** Whose work it counts: drivers or sales reps. */
  role: text(),
  /** count: `threshold` credits of `kind` in the period; streak: in a row; top: the period's most. */
  rule: text(),
  kind: text(),
  threshold: integer(),
  /** ever, week or month. */
  period: text(),
  points: integer(),
  /** Tell the person's branch's Telegram group when it is earned. */
  announce: integer({ mode: 'boolean' }),
  active: integer({ mode: 'boolean' }),
  clocks: clocks(),
});

/**
 * Badges held (and withdrawn), one row per person, rule and period; kept from work_credits by
 * the projections, or settled by head office for a period's most (decision 0034).
 */
export const badgeAwards = sqliteTable(
  'badge_awards',
  {
    personId: text().notNull(),
    ruleId: text().notNull(),
    /** 'ever', an ISO week ('2026-W49') or a month ('2026-12'). */
    period: text().notNull(),
    status: text({ enum: ['held', 'withdrawn'] }).notNull(),
    points: integer().notNull(),
    /** The credit that earned it, and when that work was done. */
    earnedBy: text().notNull(),
    earnedAt: integer().notNull(),
    /** Settled by head office after the period and its grace: it changes no more. */
    final: integer({ mode: 'boolean' }).notNull().default(false),
  },
  (t) => [
    primaryKey({ columns: [t.personId, t.ruleId, t.period] }),
    index('badge_awards_rule').on(t.ruleId, t.period),
  ],
);

// Aggregates for the dashboards (decision 0035): sums kept by triggers from the rows the
// projections write (resources/migrations/*_analytics_triggers.sql), in the same transaction,
// so a re-fold that deletes and writes those rows again leaves them equal to a fresh fold. Each
// is declared as a follower of its source tables in the event registry; a row whose sources
// are all gone is deleted.

/** What is summed of sales per variant: sold, and returned on the return's own day. */
const salesSums = () => ({
  qty: integer().notNull().default(0),
  /** What customers paid for the lines, tax included, after discounts. */
  amount: integer().notNull().default(0),
  lines: integer().notNull().default(0),
  returnedQty: integer().notNull().default(0),
  returnedAmount: integer().notNull().default(0),
  returnedLines: integer().notNull().default(0),
});

/** Sales per company day, branch and variant: sold and returned (returns on their own day). */
export const salesByDay = sqliteTable(
  'sales_by_day',
  {
    day: text().notNull(),
    branchId: text().notNull(),
    variantId: text().notNull(),
    ...salesSums(),
  },
  (t) => [
    primaryKey({ columns: [t.day, t.branchId, t.variantId] }),
    index('sales_by_day_branch').on(t.branchId, t.day),
  ],
);

/** The same per month ('2026-12'): long ranges read months, and days only at their ends. */
export const salesByMonth = sqliteTable(
  'sales_by_month',
  {
    month: text().notNull(),
    branchId: text().notNull(),
    variantId: text().notNull(),
    ...salesSums(),
  },
  (t) => [
    primaryKey({ columns: [t.month, t.branchId, t.variantId] }),
    // Covers a long range's read: grouped by branch and variant straight off the index.
    index('sales_by_month_branch').on(
      t.branchId,
      t.variantId,
      t.month,
      t.qty,
      t.returnedQty,
      t.amount,
      t.returnedAmount,
    ),
  ],
);

/** Sales per company day, hour and branch: tickets and amounts, for the heat map and today. */
export const salesByHour = sqliteTable(
  'sales_by_hour',
  {
    day: text().notNull(),
    hour: integer().notNull(),
    branchId: text().notNull(),
    tickets: integer().notNull().default(0),
    amount: integer().notNull().default(0),
    returns: integer().notNull().default(0),
    returnedAmount: integer().notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.day, t.hour, t.branchId] }),
    // Covers the sales over time: grouped by branch and day straight off the index.
    index('sales_by_hour_branch').on(t.branchId, t.day, t.amount, t.returnedAmount, t.tickets),
  ],
);

/**
 * Orders to the factory per company day placed, shop, factory and current status, with how long
 * their steps took (placed to paid, paid to dispatched, dispatched to delivered), in ms.
 */
export const ordersByDay = sqliteTable(
  'orders_by_day',
  {
    day: text().notNull(),
    shopId: text().notNull(),
    factoryId: text().notNull(),
    status: text().notNull(),
    orders: integer().notNull().default(0),
    amount: integer().notNull().default(0),
    lines: integer().notNull().default(0),
    paid: integer().notNull().default(0),
    paidMs: integer().notNull().default(0),
    dispatched: integer().notNull().default(0),
    dispatchedMs: integer().notNull().default(0),
    delivered: integer().notNull().default(0),
    deliveredMs: integer().notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.day, t.shopId, t.factoryId, t.status] }),
    index('orders_by_day_factory').on(t.factoryId, t.day),
    index('orders_by_day_status').on(t.status, t.day),
  ],
);

/** Production per day produced on, branch and variant (a reversal counts back on its day). */
export const productionByDay = sqliteTable(
  'production_by_day',
  {
    day: text().notNull(),
    branchId: text().notNull(),
    variantId: text().notNull(),
    qty: integer().notNull().default(0),
    batches: integer().notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.day, t.branchId, t.variantId] }),
    index('production_by_day_branch').on(t.branchId, t.day),
  ],
);

/**
 * Money received per company day, branch and source: the counter's payments by method
 * ('sale:cash'…), refunds ('refund:cash'…, negative) and shops' payments for orders ('order', on
 * the day finance says it was received, at the shop that paid), and customers' payments on
 * their accounts, at the branch or collected on a trip ('account:cash'…).
 */
export const receivedByDay = sqliteTable(
  'received_by_day',
  {
    day: text().notNull(),
    branchId: text().notNull(),
    source: text().notNull(),
    amount: integer().notNull().default(0),
    payments: integer().notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.day, t.branchId, t.source] }),
    index('received_by_day_branch').on(t.branchId, t.day),
  ],
);
