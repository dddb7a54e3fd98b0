// Turns order events into outbox rows. It reads head office's replica by server sequence from
// a cursor kept in the Telegram store, so nothing depends on a listener having fired: after a
// restart it carries on where it stopped, and re-reading events makes no second row (each row's
// key names the event, the chat and what is sent).
import { and, asc, eq, gt, inArray, isNotNull, lte, sql } from 'drizzle-orm';
import type { Db } from '../../core/db/open';
import { prepared } from '../../core/db/prepared';
import { events as eventsTable, orders, paymentSlips, purchaseOrders } from '../../core/db/schema';
import { eventDef } from '../../core/events/emit';
import { allEventDefs } from '../../core/events/registry';
import type { OrderDocumentKind } from '../../core/pdf/documents';
import { syncCursor } from '../../core/sync/engine';
import type { CardAudience } from '../../core/telegram/card';
import type { TelegramGroup } from '../../core/telegram/service';
import { planBadgeNews, planDeliveryNotes } from './road';
import type { NewOutboxRow, TelegramStore } from './store/types';

/** The events Telegram follows, as their definitions declare. */
export const orderEventTypes: readonly string[] = allEventDefs
  .filter((d) => d.telegram)
  .map((d) => d.type);
/** The purchase order events whose order's card the purchasing group follows. */
const purchaseEventTypes: readonly string[] = allEventDefs
  .filter((d) => d.purchaseCard)
  .map((d) => d.type);
const followed = [...orderEventTypes, ...purchaseEventTypes];

/** The PDF each step sends, by audience; every step edits the card. */
const documentsFor = (type: string, audience: CardAudience): readonly OrderDocumentKind[] =>
  eventDef(type)?.telegram?.[audience] ?? [];

interface EventRow {
  id: string;
  type: string;
  orderId: string;
  seq: number;
}
interface OrderRow {
  number: string;
  shopId: string;
  factoryId: string;
  slips: number;
}

const PAGE = 500;

/** A page of order events folded after `from`, up to `upTo`, in the server's order. */
const readEvents = prepared((orm) =>
  orm
    .select({
      id: eventsTable.id,
      type: eventsTable.type,
      orderId: sql<string>`${eventsTable.aggregateId}`.mapWith(String),
      seq: sql<number>`${eventsTable.serverSeq}`.mapWith(Number),
    })
    .from(eventsTable)
    .where(
      and(
        gt(eventsTable.serverSeq, sql.placeholder('from')),
        lte(eventsTable.serverSeq, sql.placeholder('upTo')),
        eq(eventsTable.applyStatus, 'applied'),
        isNotNull(eventsTable.aggregateId),
        inArray(eventsTable.type, followed),
      ),
    )
    .orderBy(asc(eventsTable.serverSeq))
    .limit(PAGE)
    .prepare(),
);

const readOrder = prepared((orm) =>
  orm
    .select({
      number: orders.number,
      shopId: orders.shopId,
      factoryId: orders.factoryId,
      slips: orm.$count(paymentSlips, eq(paymentSlips.orderId, orders.id)),
    })
    .from(orders)
    .where(eq(orders.id, sql.placeholder('id')))
    .prepare(),
);

const readPurchase = prepared((orm) =>
  orm
    .select({ number: purchaseOrders.number })
    .from(purchaseOrders)
    .where(eq(purchaseOrders.id, sql.placeholder('id')))
    .prepare(),
);

/**
 * A purchase order's rows: its card in the purchasing group, edited at every step, and its PDF
 * once it has a number (one per order and chat, whichever step first finds it numbered).
 */
export function rowsForPurchase(
  event: EventRow,
  purchase: { number: string | null },
  groups: TelegramGroup[],
): NewOutboxRow[] {
  return groups
    .filter((g) => g.active && g.role === 'purchasing')
    .flatMap((group) => {
      const base = {
        eventSeq: event.seq,
        orderId: event.orderId,
        orderNumber: purchase.number,
        chatId: group.chatId,
        audience: 'purchasing' as const,
        cause: event.type,
        text: null,
      };
      return [
        { ...base, key: `${event.id}:${group.chatId}:card`, kind: 'card' as const, document: null },
        ...(purchase.number
          ? [
              {
                ...base,
                key: `${event.orderId}:${group.chatId}:purchase_order`,
                kind: 'document' as const,
                document: 'purchase_order',
              },
            ]
          : []),
      ];
    });
}

/** Which linked groups follow this order, and as whom. Finance follows from the first slip. */
function audiences(
  groups: TelegramGroup[],
  order: OrderRow,
  type: string,
): [TelegramGroup, CardAudience][] {
  return groups.flatMap((g): [TelegramGroup, CardAudience][] => {
    if (!g.active) return [];
    if (g.role === 'finance')
      return type !== 'order.placed' && order.slips > 0 ? [[g, 'finance']] : [];
    return g.branchId && (g.branchId === order.shopId || g.branchId === order.factoryId)
      ? [[g, 'branch']]
      : [];
  });
}

export function rowsForEvent(
  event: EventRow,
  order: OrderRow,
  groups: TelegramGroup[],
): NewOutboxRow[] {
  return audiences(groups, order, event.type).flatMap(([group, audience]) => {
    const base = {
      eventSeq: event.seq,
      orderId: event.orderId,
      orderNumber: order.number,
      chatId: group.chatId,
      audience,
      cause: event.type,
      text: null,
    };
    return [
      { ...base, key: `${event.id}:${group.chatId}:card`, kind: 'card' as const, document: null },
      ...documentsFor(event.type, audience).map((document) => ({
        ...base,
        key: `${event.id}:${group.chatId}:${document}`,
        kind: 'document' as const,
        document,
      })),
    ];
  });
}

/** Plans rows for order events the replica has folded since the cursor; returns rows added. */
export async function planNotifications(
  db: Db,
  store: TelegramStore,
  now: number,
): Promise<number> {
  const upTo = syncCursor(db);
  let from = await store.cursor();
  const moved = from < upTo;
  let added = 0;
  while (from < upTo) {
    const events = readEvents(db).all({ from, upTo });
    const groups = events.length > 0 ? await store.groups() : [];
    const rows = events.flatMap((event) => {
      if (purchaseEventTypes.includes(event.type)) {
        const purchase = readPurchase(db).get({ id: event.orderId });
        return purchase ? rowsForPurchase(event, purchase, groups) : [];
      }
      const order = readOrder(db).get({ id: event.orderId });
      return order ? rowsForEvent(event, order, groups) : [];
    });
    added += await store.enqueue(rows, now);
    // A short page means everything up to the replica's cursor was read.
    const next = events.length === PAGE ? (events.at(-1)?.seq ?? upTo) : upTo;
    // Proofs of delivery in the same stretch, before the cursor passes them (./road.ts).
    added += await planDeliveryNotes(db, store, from, next, now);
    await store.advanceCursor(next);
    from = next;
  }
  // Badges are kept by folds (core/badges): after new events, awards to announce may be new.
  if (moved) added += await planBadgeNews(db, store, upTo, now);
  return added;
}
