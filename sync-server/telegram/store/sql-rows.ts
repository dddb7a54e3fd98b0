// The Telegram store's rows as SQL reads them (columns, conversions) and the conditions that
// claiming a row is made of, shared by both dialects (./sql-store.ts).
import { z } from 'zod';
import type { TelegramGroup } from '../../../core/telegram/service';
import type { Anchor, ChatPace, NewOutboxRow, OutboxRow } from './types';

export const groupColumns = `chat_id AS "chatId", title, type, active, added_at AS "addedAt",
  removed_at AS "removedAt", removed_reason AS "removedReason", branch_id AS "branchId", role`;

export const outboxColumns = `id, key, lane, event_seq AS "eventSeq", order_id AS "orderId",
  order_number AS "orderNumber", chat_id AS "chatId", kind, document, audience, cause, text,
  status, attempts, next_at AS "nextAt", claimed_by AS "claimedBy", claimed_until AS "claimedUntil",
  error, message_ids AS "messageIds", uncertain_after AS "uncertainAfter", created_at AS "createdAt", updated_at AS "updatedAt",
  sent_at AS "sentAt"`;

export const groupRow = z.object({
  chatId: z.number(),
  title: z.string(),
  type: z.string(),
  active: z.number(),
  addedAt: z.number(),
  removedAt: z.number().nullable(),
  removedReason: z.string().nullable(),
  branchId: z.string().nullable(),
  role: z.string().nullable(),
}) satisfies z.ZodType<
  Omit<TelegramGroup, 'active' | 'role'> & { active: number; role: string | null }
>;
export type GroupRow = z.output<typeof groupRow>;

export const outboxDbRow = z.object({
  id: z.number(),
  key: z.string(),
  lane: z.string(),
  eventSeq: z.number(),
  orderId: z.string().nullable(),
  orderNumber: z.string().nullable(),
  chatId: z.number(),
  kind: z.enum(['card', 'document', 'message']),
  document: z.string().nullable(),
  audience: z.enum(['branch', 'finance', 'purchasing']).nullable(),
  cause: z.string(),
  text: z.string().nullable(),
  status: z.enum(['pending', 'sending', 'sent', 'failed']),
  attempts: z.number(),
  nextAt: z.number(),
  claimedBy: z.string().nullable(),
  claimedUntil: z.number().nullable(),
  error: z.string().nullable(),
  messageIds: z.string(),
  uncertainAfter: z.number().nullable(),
  createdAt: z.number(),
  updatedAt: z.number(),
  sentAt: z.number().nullable(),
}) satisfies z.ZodType<Omit<OutboxRow, 'messageIds'> & { messageIds: string }>;
export type OutboxDbRow = z.output<typeof outboxDbRow>;

export const chatPaceRow = z.object({
  chatId: z.number(),
  nextAt: z.number(),
  lastMessageId: z.number().nullable(),
}) satisfies z.ZodType<ChatPace>;

export const anchorRow = z.object({
  orderId: z.string(),
  chatId: z.number(),
  messageId: z.number(),
  text: z.string(),
  markup: z.string(),
  updatedAt: z.number(),
}) satisfies z.ZodType<Anchor>;

export const toGroup = (r: GroupRow): TelegramGroup => ({
  ...r,
  active: r.active === 1,
  role: r.role === 'finance' || r.role === 'purchasing' ? r.role : null,
});
export const toOutbox = (r: OutboxDbRow): OutboxRow => ({
  ...r,
  messageIds: JSON.parse(r.messageIds) as number[],
});

export const laneOf = (row: Pick<NewOutboxRow, 'orderId' | 'chatId'>) =>
  row.orderId ? `order:${row.orderId}:${row.chatId}` : `chat:${row.chatId}`;

/** A row is due when pending and its time has come, or claimed by a process whose lease ran out. */
export const due = (o: string) =>
  `((${o}.status = 'pending' AND ${o}.next_at <= $3) OR (${o}.status = 'sending' AND ${o}.claimed_until < $3))`;

/** Its chat may have a message now: paced (flood limits, a 429) and none other in flight. */
export const chatFree = (o: string) =>
  `NOT EXISTS (SELECT 1 FROM telegram_chats c WHERE c.chat_id = ${o}.chat_id AND c.next_at > $3)
   AND NOT EXISTS (SELECT 1 FROM telegram_outbox f WHERE f.chat_id = ${o}.chat_id AND f.id <> ${o}.id
     AND f.status = 'sending' AND f.claimed_until >= $3)`;
