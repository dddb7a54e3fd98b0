// The words of the order lifecycle, defined once: statuses, the steps an order's timeline
// records, the documents an order has, and who may do what (roles and their permissions). The
// core, the PDFs, Telegram's cards and the UI all read them from here. It imports nothing, so the
// renderer may import its values too (eslint.config.js allows this file and checks it stays a
// leaf).

export const orderStatuses = [
  'placed',
  'slip_attached',
  'payment_verified',
  'dispatched',
  'delivered',
  'cancelled',
] as const;
export type OrderStatus = (typeof orderStatuses)[number];

export const isOrderStatus = (s: string): s is OrderStatus =>
  orderStatuses.some((status) => status === s);

/** A status in a few words, for a badge or a filter. */
export const statusShort: Record<OrderStatus, string> = {
  placed: 'Placed',
  slip_attached: 'Slip attached',
  payment_verified: 'Paid',
  dispatched: 'Dispatched',
  delivered: 'Delivered',
  cancelled: 'Cancelled',
};

/** A status as the middle of a sentence ("the order is …"). */
export const statusLabel: Record<OrderStatus, string> = {
  placed: 'placed, waiting for a payment slip',
  slip_attached: 'waiting for finance to verify the payment',
  payment_verified: 'paid, waiting to be dispatched',
  dispatched: 'dispatched, on its way to the shop',
  delivered: 'delivered and counted by the shop',
  cancelled: 'cancelled; nothing more happens to it',
};

/** What happens next to an order in this status, as the middle of a sentence. */
export const nextStep: Record<OrderStatus, string> = {
  placed: 'the shop attaches the payment slip',
  slip_attached: 'finance verifies or rejects the payment',
  payment_verified: 'the factory dispatches the goods',
  dispatched: 'the shop confirms what arrived',
  delivered: 'nothing: the order is complete',
  cancelled: 'nothing: place a new order if the goods are still needed',
};

/** The steps an order's timeline records (order_timeline.step). */
export const orderSteps = [
  'placed',
  'slip_attached',
  'payment_verified',
  'payment_rejected',
  'payment_recorded',
  'dispatched',
  'delivered',
  'backorder_cancelled',
  'cancelled',
] as const;
export type OrderStepName = (typeof orderSteps)[number];

const stepLabels: Record<OrderStepName, string> = {
  placed: 'Placed',
  slip_attached: 'Payment slip attached',
  payment_verified: 'Payment verified',
  payment_rejected: 'Payment rejected',
  payment_recorded: 'Part payment recorded',
  dispatched: 'Dispatched',
  delivered: 'Delivery confirmed',
  backorder_cancelled: 'Backorder cancelled',
  cancelled: 'Cancelled',
};

/**
 * How an order's payment stands beside its status, for the list: a rejected slip, a part payment
 * or a payment that did not match what was due shows apart from a plain "Placed".
 */
export const paymentFlags = ['rejected', 'part_paid', 'mismatch'] as const;
export type PaymentFlag = (typeof paymentFlags)[number];

/** How the goods of an order stand: some sent and the rest still owed (a backorder). */
export const dispatchFlags = ['partly_dispatched', 'backorder_cancelled'] as const;
export type DispatchFlag = (typeof dispatchFlags)[number];

export const sentence = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

const isOrderStep = (s: string): s is OrderStepName => orderSteps.some((step) => step === s);

/** A timeline step in a person's words; a step this version does not know, from its name. */
export const stepLabel = (step: string): string =>
  isOrderStep(step) ? stepLabels[step] : sentence(step.replaceAll('_', ' '));

/** The PDFs an order has, which Telegram's cards also carry. */
export const documentKinds = ['order_sheet', 'payment_proof', 'dispatch_note'] as const;
export type DocumentKind = (typeof documentKinds)[number];

export const isDocumentKind = (s: string | null): s is DocumentKind =>
  documentKinds.some((k) => k === s);

export const documentTitles: Record<DocumentKind, string> = {
  order_sheet: 'Order sheet',
  payment_proof: 'Payment proof',
  dispatch_note: 'Dispatch note',
};

/** Which documents an order has at its stage. */
export const documentsAvailable = (status: OrderStatus, hasSlip: boolean): DocumentKind[] => [
  'order_sheet',
  ...(hasSlip ? (['payment_proof'] as const) : []),
  ...(status === 'dispatched' || status === 'delivered' ? (['dispatch_note'] as const) : []),
];

/** The kinds of branch (branches.kind): what a branch may cause is checked by its kind. */
export const branchKinds = ['factory', 'shop', 'head_office'] as const;
export type BranchKind = (typeof branchKinds)[number];

export const branchKindLabel: Record<BranchKind, string> = {
  shop: 'Shop',
  factory: 'Factory',
  head_office: 'Head office',
};

/** A transfer between branches: on its way, then received (docs/decisions/0022). */
export const stockTransferStatuses = ['in_transit', 'received'] as const;
export type StockTransferStatus = (typeof stockTransferStatuses)[number];

/**
 * How a counter sale was paid (core/sales/payments.ts). Cash may be tendered (change is given
 * back); a bank transfer or mobile money names its transaction, so finance can find it.
 */
export const paymentMethods = ['cash', 'card', 'mobile_money', 'bank_transfer'] as const;
export type PaymentMethod = (typeof paymentMethods)[number];
/** Methods whose payment names its transaction (a transfer or mobile-money reference). */
export const referencedMethods: readonly PaymentMethod[] = ['bank_transfer', 'mobile_money'];

/**
 * A counted line: posted to the ledger; held because an overlapping count of the same variant
 * was posted first; then, by an admin's choice, chosen (replacing the other) or discarded.
 */
export const countLineStatuses = ['posted', 'held', 'chosen', 'replaced', 'discarded'] as const;
export type CountLineStatus = (typeof countLineStatuses)[number];

/**
 * A purchase order's life: drafted (by the nightly run or a person), approved (above the
 * company's limit by a second person too), received in part or whole, or closed short.
 */
export const purchaseStatuses = [
  'draft',
  'awaiting_second',
  'approved',
  'partly_received',
  'received',
  'closed',
] as const;
export type PurchaseStatus = (typeof purchaseStatuses)[number];

/**
 * A customer's order taken by a sales rep, at a branch, or asked for on the portal (decision
 * 0034): requested (from the portal, waiting for its rep or branch), held (over the credit limit
 * or short of stock, waiting for approval), open (its goods reserved at the branch), on a trip,
 * delivered (in whole or part, with proof) or cancelled.
 */
export const customerOrderStatuses = [
  'requested',
  'held',
  'open',
  'on_trip',
  'delivered',
  'cancelled',
] as const;
export type CustomerOrderStatus = (typeof customerOrderStatuses)[number];

/** Why a customer's order waits for approval. */
export const orderHolds = ['credit', 'stock'] as const;
export type OrderHold = (typeof orderHolds)[number];

/** A delivery trip: planned (stops in order, changeable), then closed with the cash handed in. */
export const tripStatuses = ['planned', 'closed'] as const;
export type TripStatus = (typeof tripStatuses)[number];

/** A stop of a trip: waiting, delivered with proof, or not delivered (with the reason). */
export const stopStatuses = ['pending', 'delivered', 'failed'] as const;
export type StopStatus = (typeof stopStatuses)[number];

/**
 * Verified work that badges and leaderboards count (decision 0034): a stop delivered with
 * complete proof and a trip with every stop on time (a driver's); an order delivered, and a
 * customer's first delivered order (a rep's).
 */
export const workKinds = ['delivery', 'on_time_trip', 'order_delivered', 'new_customer'] as const;
export type WorkKind = (typeof workKinds)[number];

/** The roles a user can have (users.role). */
export const roles = [
  'admin',
  'factory_clerk',
  'shop_clerk',
  'finance',
  'sales_rep',
  'driver',
  'customer',
] as const;
export type Role = (typeof roles)[number];

const staff = ['admin', 'factory_clerk', 'shop_clerk', 'finance', 'sales_rep', 'driver'] as const;

/** What each permission allows, by role. The core checks these on every call, not only the UI. */
export const permissions = {
  'users.manage': ['admin'],
  'branches.manage': ['admin'],
  'company.manage': ['admin'],
  'catalog.manage': ['admin'],
  'catalog.read': [...staff],
  'stock.read': [...staff],
  'stock.adjust': ['admin', 'factory_clerk', 'shop_clerk'],
  'stock.transfer': ['admin', 'factory_clerk', 'shop_clerk'],
  'stock.count': ['admin', 'factory_clerk', 'shop_clerk'],
  'production.record': ['admin', 'factory_clerk'],
  'orders.read': [...staff],
  'orders.place': ['admin', 'shop_clerk', 'sales_rep'],
  'orders.attachSlip': ['admin', 'shop_clerk'],
  'orders.verifyPayment': ['admin', 'finance'],
  'orders.dispatch': ['admin', 'factory_clerk'],
  'orders.receive': ['admin', 'shop_clerk'],
  'orders.cancel': ['admin', 'shop_clerk'],
  'sales.record': ['admin', 'shop_clerk', 'sales_rep'],
  'customers.manage': ['admin', 'shop_clerk', 'sales_rep'],
  'sales.return': ['admin', 'shop_clerk'],
  'loyalty.manage': ['admin'],
  'data.import': ['admin'],
  'purchasing.read': ['admin', 'finance', 'factory_clerk', 'shop_clerk'],
  'purchasing.manage': ['admin', 'finance'],
  'purchasing.approve': ['admin', 'finance'],
  'purchasing.receive': ['admin', 'factory_clerk', 'shop_clerk'],
  'invoices.upload': ['admin', 'finance', 'factory_clerk', 'shop_clerk'],
  'invoices.post': ['admin', 'finance'],
  'field.order': ['admin', 'shop_clerk', 'factory_clerk', 'sales_rep'],
  'field.approve': ['admin', 'shop_clerk', 'factory_clerk'],
  'field.collect': ['admin', 'shop_clerk', 'factory_clerk', 'finance', 'driver'],
  'customers.terms': ['admin'],
  'trips.manage': ['admin', 'shop_clerk', 'factory_clerk'],
  'trips.drive': ['admin', 'driver'],
  'badges.read': [...staff],
  'badges.manage': ['admin'],
  'portal.use': ['customer'],
  'dashboards.read': [...staff],
  'costs.read': ['admin', 'finance'],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof permissions;

/** What a permission lets a person do, in the words an error message uses. */
export const permissionPhrase: Record<Permission, string> = {
  'users.manage': 'manage users',
  'branches.manage': 'manage branches',
  'company.manage': "change the company's currency and locale",
  'catalog.manage': 'change the catalog',
  'catalog.read': 'see the catalog',
  'stock.read': 'see stock',
  'stock.adjust': 'adjust stock',
  'stock.transfer': 'transfer stock between branches',
  'stock.count': 'count stock',
  'production.record': 'record production',
  'orders.read': 'see orders',
  'orders.place': 'place orders',
  'orders.attachSlip': 'attach payment slips',
  'orders.verifyPayment': 'verify or reject payments',
  'orders.dispatch': 'dispatch orders',
  'orders.receive': 'confirm deliveries',
  'orders.cancel': 'cancel orders',
  'sales.record': 'record counter sales',
  'customers.manage': 'manage customers',
  'sales.return': 'take returns and give refunds',
  'loyalty.manage': 'set loyalty rules, adjust points and merge customers',
  'data.import': 'import catalog, customers or opening stock from a CSV file',
  'purchasing.read': 'see suppliers and purchase orders',
  'purchasing.manage': 'manage suppliers, reorder rules and purchase orders',
  'purchasing.approve': 'approve purchase orders',
  'purchasing.receive': 'receive purchased goods',
  'invoices.upload': 'upload supplier invoices',
  'invoices.post': 'check, post and reverse supplier invoices',
  'field.order': "take customers' orders",
  'field.approve': "approve customers' orders held for credit or stock",
  'field.collect': 'record money a customer paid',
  'customers.terms': "set customers' price lists, credit limits, sales reps and portal sign-ins",
  'trips.manage': 'plan delivery trips',
  'trips.drive': 'deliver the stops of a trip',
  'badges.read': 'see badges and leaderboards',
  'badges.manage': 'set badge rules and points',
  'portal.use': 'use the customer portal',
  'dashboards.read': 'see dashboards',
  'costs.read': 'see costs and margins',
};

export const roleLabel: Record<Role, string> = {
  admin: 'admin',
  factory_clerk: 'factory clerk',
  shop_clerk: 'shop clerk',
  finance: 'finance',
  sales_rep: 'sales rep',
  driver: 'driver',
  customer: 'customer',
};

export const roleHas = (role: Role, permission: Permission): boolean =>
  (permissions[permission] as readonly Role[]).includes(role);

/** Roles that work for every branch (head office); others act for their own branch only. */
export const crossBranchRoles: readonly Role[] = ['admin', 'finance'];

/**
 * The kinds of branch a role belongs to: a user of the role is created at, or moved to, only a
 * branch of these kinds. An admin works anywhere (a PC set up on its own has its admin at its own
 * shop or factory); finance works for every branch from head office; a driver delivers from the
 * factory or from a shop; a sales rep and a customer belong to the shop they order through.
 */
export const roleBranchKinds: Record<Role, readonly BranchKind[]> = {
  admin: branchKinds,
  factory_clerk: ['factory'],
  shop_clerk: ['shop'],
  finance: ['head_office'],
  sales_rep: ['shop'],
  driver: ['factory', 'shop'],
  customer: ['shop'],
};

export const roleBelongsAt = (role: Role, kind: BranchKind): boolean =>
  roleBranchKinds[role].includes(kind);
