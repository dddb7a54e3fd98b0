// Every event type the app knows. Adding one here is what makes it syncable.
import { userSaved } from '../auth/events';
import { branchSaved, deviceRegistered } from '../branches/events';
import { productSaved, variantSaved } from '../catalog/events';
import {
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
import { conflictResolved } from '../conflicts/events';
import { stockAdjusted, stockTransferred } from '../stock/events';

const all = [
  branchSaved,
  deviceRegistered,
  userSaved,
  productSaved,
  variantSaved,
  stockAdjusted,
  stockTransferred,
  productionRecorded,
  productionReversed,
  orderPlaced,
  orderSlipAttached,
  orderPaymentVerified,
  orderPaymentRejected,
  orderDispatched,
  orderDelivered,
  orderCancelled,
  customerSaved,
  saleRecorded,
  conflictResolved,
] as const;

type Def = (typeof all)[number];
export type EventType = Def['type'];
export const eventDefs = Object.fromEntries(all.map((d) => [d.type, d])) as {
  [K in EventType]: Extract<Def, { type: K }>;
};
