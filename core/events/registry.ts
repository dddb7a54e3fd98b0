// Every event type the app knows. Adding one here is what makes it syncable; everything sync,
// head office and Telegram need to know about a type is derived from its definition here.
import { userSaved } from '../auth/events';
import { branchSaved, deviceRegistered } from '../branches/events';
import { productSaved, variantSaved } from '../catalog/events';
import {
  orderBackorderCancelled,
  orderCancelled,
  orderDelivered,
  orderDispatched,
  orderPaymentRejected,
  orderPaymentVerified,
  orderPlaced,
  orderSlipAttached,
} from '../orders/events';
import { productionRecorded, productionReversed } from '../production/events';
import { customerSaved, saleRecorded } from '../sales/events';
import { saleReturned } from '../sales/return-events';
import { shiftClosed, shiftOpened } from '../sales/shift-events';
import { loyaltyAdjusted, loyaltyExpired, loyaltyProgramSaved } from '../loyalty/events';
import { conflictResolved } from '../conflicts/events';
import { companySaved } from '../locale/events';
import {
  exchangeRateSaved,
  purchaseApproved,
  purchaseClosed,
  purchaseDrafted,
  purchaseReceived,
  purchaseRevised,
  purchasingSettingsSaved,
  reorderRuleSaved,
  supplierItemSaved,
  supplierSaved,
} from '../purchasing/events';
import { invoicePosted, invoiceRead, invoiceReversed, invoiceUploaded } from '../invoices/events';
import { fieldEvents } from '../field/events';
import { tripEvents } from '../trips/events';
import { badgeEvents } from '../badges/events';
import type { EventDef } from './define';
import {
  stockAdjusted,
  stockCountChosen,
  stockCountPosted,
  stockCountStarted,
  stockTransferReceived,
  stockTransferSent,
  stockTransferred,
} from '../stock/events';

const all = [
  branchSaved,
  deviceRegistered,
  userSaved,
  productSaved,
  variantSaved,
  stockAdjusted,
  stockTransferred,
  stockTransferSent,
  stockTransferReceived,
  stockCountStarted,
  stockCountPosted,
  stockCountChosen,
  productionRecorded,
  productionReversed,
  orderPlaced,
  orderSlipAttached,
  orderPaymentVerified,
  orderPaymentRejected,
  orderDispatched,
  orderDelivered,
  orderBackorderCancelled,
  orderCancelled,
  customerSaved,
  saleRecorded,
  saleReturned,
  shiftOpened,
  shiftClosed,
  loyaltyProgramSaved,
  loyaltyAdjusted,
  loyaltyExpired,
  conflictResolved,
  companySaved,
  supplierSaved,
  supplierItemSaved,
  reorderRuleSaved,
  purchasingSettingsSaved,
  exchangeRateSaved,
  purchaseDrafted,
  purchaseRevised,
  purchaseApproved,
  purchaseReceived,
  purchaseClosed,
  invoiceUploaded,
  invoiceRead,
  invoicePosted,
  invoiceReversed,
  ...fieldEvents,
  ...tripEvents,
  ...badgeEvents,
] as const;

type Def = (typeof all)[number];
/** Every definition, for code that derives lists from them. */
export const allEventDefs = all as readonly EventDef[];
export type EventType = Def['type'];
export const eventDefs = Object.fromEntries(all.map((d) => [d.type, d])) as {
  [K in EventType]: Extract<Def, { type: K }>;
};

/**
 * Tables kept by triggers from a table projections write: the balance follows the ledger, and the
 * dashboards' aggregates follow the rows they sum (decision 0035, core/analytics/aggregates.ts).
 */
export const followers: Record<string, readonly string[]> = {
  stock_movements: ['stock_balances'],
  loyalty_movements: ['loyalty_balances'],
  sales: ['sales_by_hour'],
  sale_lines: ['sales_by_day', 'sales_by_month'],
  sale_payments: ['received_by_day'],
  sale_returns: ['sales_by_hour'],
  sale_return_lines: ['sales_by_day', 'sales_by_month'],
  sale_refunds: ['received_by_day'],
  orders: ['orders_by_day'],
  order_payments: ['received_by_day'],
  customer_account: ['received_by_day'],
  production_batches: ['production_by_day'],
};

/**
 * Every table whose rows are replicated state: what projections write, what follows from them,
 * and the conflicts sync records. The state hash covers exactly these.
 */
export const replicatedTables: readonly string[] = [
  ...new Set([
    ...allEventDefs.flatMap((d) =>
      d.writes.flatMap((w) => [w.table, ...(followers[w.table] ?? [])]),
    ),
    'conflicts',
  ]),
].sort();

/** Event types that name files, so sync moves those files with them. */
export const fileNamingTypes: readonly string[] = allEventDefs
  .filter((d) => d.files)
  .map((d) => d.type);
