// Telegram on the road (decision 0034): a delivery's note goes to the customer's linked group,
// else the branch's; a badge whose rule says so is announced to the person's branch's group.
// Each row's key names what it is once (the proof; the person, rule and period), so however
// often an event arrives, re-planning or another process's start makes no second row.
import { z } from 'zod';
import type { Db } from '../../core/db/open';
import { parseRow, parseRows } from '../../core/db/rows';
import { escapeHtml, telegramLimits, truncateHtml } from '../../core/telegram/html';
import type { TelegramGroup } from '../../core/telegram/service';
import { allEventDefs } from '../../core/events/registry';
import type { NewOutboxRow, TelegramStore } from './store/types';

/** The events a proof of delivery arrives in, as their definitions declare (core/trips). */
const deliveryNoteTypes: readonly string[] = allEventDefs
  .filter((d) => d.deliveryNote)
  .map((d) => d.type);
/** The outbox's name for a delivery note (not one of an order's documents). */
export const DELIVERY_NOTE = 'delivery_note';
/** The cause of a badge's announcement in the notification log. */
export const BADGE_HELD = 'badge.held';
/** Awards earned longer ago than this are not announced (a group linked today hears no history). */
export const BADGE_NEWS_MS = 14 * 24 * 3600_000;

const PAGE = 500;

// ---- customers' groups ----------------------------------------------------------------------

/** Which group each customer is linked to, kept as one setting in the Telegram store. */
const CUSTOMER_GROUPS = 'customerGroups';
const customerGroupsSchema = z.record(z.string(), z.number().int());

export async function customerGroups(store: TelegramStore): Promise<Map<string, number>> {
  const raw = await store.setting(CUSTOMER_GROUPS);
  if (!raw) return new Map();
  const parsed = customerGroupsSchema.safeParse(JSON.parse(raw));
  return new Map(parsed.success ? Object.entries(parsed.data) : []);
}

/**
 * Links a group to a customer (null: to none). A group follows one thing: a customer's group
 * is no branch's, and a customer has one group (linking another moves the link).
 */
export async function linkCustomerGroup(
  store: TelegramStore,
  chatId: number,
  customerId: string | null,
): Promise<void> {
  const links = await customerGroups(store);
  for (const [customer, chat] of links) if (chat === chatId) links.delete(customer);
  if (customerId) links.set(customerId, chatId);
  await store.setSetting(
    CUSTOMER_GROUPS,
    links.size > 0 ? JSON.stringify(Object.fromEntries(links)) : null,
  );
}

/** The customer a group is linked to, if any. */
export const customerOfGroup = (links: Map<string, number>, chatId: number): string | null =>
  [...links].find(([, chat]) => chat === chatId)?.[0] ?? null;

const branchGroup = (groups: TelegramGroup[], branchId: string) =>
  groups.find((g) => g.active && g.branchId === branchId && g.role === null);

// ---- delivery notes -------------------------------------------------------------------------

const proofEvent = z.object({
  type: z.string(),
  seq: z.number().int(),
  proofId: z.string(),
  orderId: z.string(),
  orderNumber: z.string(),
  customerId: z.string(),
  branchId: z.string(),
});

/** Proofs of delivery folded in (from, upTo], with their orders. */
function readProofs(db: Db, from: number, upTo: number) {
  return parseRows(
    proofEvent,
    db.sqlite
      .prepare(
        `SELECT e.server_seq AS seq, e.type, p.id AS proofId, p.order_id AS orderId, o.number AS orderNumber,
                p.customer_id AS customerId, o.branch_id AS branchId
           FROM events e
           JOIN delivery_proofs p ON p.event_id = e.id
           JOIN customer_orders o ON o.id = p.order_id
          WHERE e.type IN (${deliveryNoteTypes.map(() => '?').join(', ')}) AND e.apply_status = 'applied' AND e.server_seq > ? AND e.server_seq <= ?
          ORDER BY e.server_seq LIMIT ${PAGE}`,
      )
      .all(...deliveryNoteTypes, from, upTo),
  );
}

/** One row per proof: its note to the customer's active group, else the branch's. */
export function rowsForProofs(
  proofs: z.infer<typeof proofEvent>[],
  groups: TelegramGroup[],
  links: Map<string, number>,
): NewOutboxRow[] {
  return proofs.flatMap((p) => {
    const linked = links.get(p.customerId);
    const customerGroup = groups.find((g) => g.active && g.chatId === linked);
    const group = customerGroup ?? branchGroup(groups, p.branchId);
    if (!group) return [];
    return [
      {
        key: `proof:${p.proofId}:${DELIVERY_NOTE}`,
        eventSeq: p.seq,
        orderId: p.orderId,
        orderNumber: p.orderNumber,
        chatId: group.chatId,
        kind: 'document' as const,
        document: DELIVERY_NOTE,
        audience: null,
        cause: p.type,
        text: null,
      },
    ];
  });
}

/** Plans delivery notes for proofs folded in (from, upTo]; returns rows added. */
export async function planDeliveryNotes(
  db: Db,
  store: TelegramStore,
  from: number,
  upTo: number,
  now: number,
): Promise<number> {
  let added = 0;
  let at = from;
  while (at < upTo) {
    const proofs = readProofs(db, at, upTo);
    if (proofs.length === 0) break;
    const [groups, links] = await Promise.all([store.groups(), customerGroups(store)]);
    added += await store.enqueue(rowsForProofs(proofs, groups, links), now);
    if (proofs.length < PAGE) break;
    at = proofs.at(-1)?.seq ?? upTo;
  }
  return added;
}

const noteRow = z.object({
  number: z.string(),
  customer: z.string(),
  branch: z.string().nullable(),
  signedBy: z.string(),
  deliveredAt: z.number().int(),
  total: z.number().int(),
});

/** The caption of a delivery note: the order, whom it was delivered to, when, who signed. */
export function deliveryNoteCaption(db: Db, orderId: string, timeZone?: string): string | null {
  const row = parseRow(
    noteRow,
    db.sqlite
      .prepare(
        `SELECT o.number, c.name AS customer, b.name AS branch, p.signed_by AS signedBy,
                p.delivered_at AS deliveredAt, o.total
           FROM delivery_proofs p
           JOIN customer_orders o ON o.id = p.order_id
           JOIN customers c ON c.id = o.customer_id
           LEFT JOIN branches b ON b.id = o.branch_id
          WHERE p.order_id = ?`,
      )
      .get(orderId),
  );
  if (!row) return null;
  const when = new Intl.DateTimeFormat('en-GB', {
    dateStyle: 'medium',
    timeStyle: 'short',
    ...(timeZone && { timeZone }),
  }).format(row.deliveredAt);
  return truncateHtml(
    [
      `🚚 <b>Delivery note</b> · order <b>${escapeHtml(row.number)}</b>`,
      `${escapeHtml(row.customer)}${row.branch ? ` · from ${escapeHtml(row.branch)}` : ''}`,
      `Delivered ${escapeHtml(when)}, signed by ${escapeHtml(row.signedBy)}`,
    ].join('\n'),
    telegramLimits.caption,
  );
}

export const deliveryNoteFileName = (orderNumber: string) =>
  `${orderNumber.replace(/[^A-Za-z0-9._-]/g, '_')}-delivery-note.pdf`;

// ---- badges ---------------------------------------------------------------------------------

const awardRow = z.object({
  personId: z.string(),
  ruleId: z.string(),
  period: z.string(),
  badge: z.string().nullable(),
  person: z.string(),
  branchId: z.string(),
  points: z.number().int(),
});

/**
 * One message per award held under a rule that announces (person, rule, period: the award's own
 * key), to the person's branch's group. A badge withdrawn and earned again in the same period is
 * the same award: it was announced once and is not announced again.
 */
export async function planBadgeNews(
  db: Db,
  store: TelegramStore,
  upTo: number,
  now: number,
): Promise<number> {
  const awards = parseRows(
    awardRow,
    db.sqlite
      .prepare(
        `SELECT a.person_id AS personId, a.rule_id AS ruleId, a.period, r.name AS badge,
                u.display_name AS person, u.branch_id AS branchId, a.points
           FROM badge_awards a
           JOIN badge_rules r ON r.id = a.rule_id AND r.announce = 1
           JOIN users u ON u.id = a.person_id
          WHERE a.status = 'held' AND a.earned_at >= ?`,
      )
      .all(now - BADGE_NEWS_MS),
  );
  if (awards.length === 0) return 0;
  const groups = await store.groups();
  const rows = awards.flatMap((a): NewOutboxRow[] => {
    const group = branchGroup(groups, a.branchId);
    if (!group) return [];
    return [
      {
        key: `badge:${a.personId}:${a.ruleId}:${a.period}`,
        eventSeq: upTo,
        orderId: null,
        orderNumber: null,
        chatId: group.chatId,
        kind: 'message',
        document: null,
        audience: null,
        cause: BADGE_HELD,
        text: badgeText(a),
      },
    ];
  });
  return store.enqueue(rows, now);
}

export function badgeText(a: {
  person: string;
  badge: string | null;
  period: string;
  points: number;
}): string {
  const when = a.period === 'ever' ? '' : ` (${escapeHtml(a.period)})`;
  const points = a.points > 0 ? ` · +${a.points} points` : '';
  return truncateHtml(
    `🏅 <b>${escapeHtml(a.person)}</b> earned the badge <b>${escapeHtml(a.badge ?? 'badge')}</b>${when}${points}. Well done!`,
    telegramLimits.message,
  );
}
