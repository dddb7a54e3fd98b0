// Sends one outbox row. Cards: the first send in a chat becomes the order's anchor message,
// every later step edits that same message. What a row shows is rendered when it is sent, from
// the replica, so a card never goes back to an older state. What Telegram sent for a row is
// remembered at once, so a retry after a lost write does not send it again; a card sent again
// after an unanswered attempt looks for the lost copy and removes it (decision 0006).
import type { BranchCore } from '../../core/runtime';
import { orderDetail } from '../../core/orders/queries';
import {
  documentCaption,
  documentFileName,
  renderOrderCard,
  type RenderedCard,
} from '../../core/telegram/card';
import { purchaseCaption, renderPurchaseCard } from '../../core/telegram/purchase-card';
import { purchaseDetail } from '../../core/purchasing/orders';
import { minorUnitsOf } from '../../core/purchasing/money';
import { purchaseOrderFile } from '../../core/purchasing/po-op';
import { companyCurrency } from '../../core/locale/money';
import { isDocumentKind } from '../../core/vocabulary';
import { TelegramCallError, type BotClient } from './bot';
import { renderOrderDocument } from './documents';
import { deliveryNotePdf } from '../../core/trips/delivery-note';
import { DELIVERY_NOTE, deliveryNoteCaption, deliveryNoteFileName } from './road';
import type { OutboxRow, TelegramStore } from './store/types';

/** How many message ids after the chat's last known one are tried for a lost copy of a card. */
const PROBE_IDS = 5;
const WEEK_MS = 7 * 24 * 3600_000;

export class PermanentError extends Error {
  override readonly name = 'PermanentError';
}

export interface SendContext {
  bot: BotClient;
  store: TelegramStore;
  replica: BranchCore;
  timeZone?: string | undefined;
  now: () => number;
  /** Keeps the ids Telegram answered on the row before anything else can fail. */
  noteSent(messageIds: number[]): Promise<void>;
  log(entry: Record<string, unknown>): void;
}

/** Sends or edits; answers the Telegram message ids. Throws TelegramCallError or PermanentError. */
export async function deliver(row: OutboxRow, ctx: SendContext): Promise<number[]> {
  // Sent by an earlier attempt whose outcome was not recorded: not again.
  if (row.kind !== 'card' && row.messageIds.length > 0) return row.messageIds;
  const sent = async (id: number) => {
    await ctx.noteSent([id]);
    return [id];
  };
  if (row.kind === 'message') {
    if (!row.text) throw new PermanentError('The message has no text.');
    return sent(await ctx.bot.sendMessage(row.chatId, row.text));
  }
  if (!row.orderId) throw new PermanentError('The row names no order.');
  if (row.document === DELIVERY_NOTE) return deliverDeliveryNote(row, row.orderId, sent, ctx);
  if (row.audience === 'purchasing') return deliverPurchase(row, row.orderId, sent, ctx);
  const hasOrder = ctx.replica.db.sqlite
    .prepare('SELECT 1 FROM orders WHERE id = ?')
    .get(row.orderId);
  if (!hasOrder) throw new PermanentError('The order is not on the head-office replica.');
  if (row.kind === 'document') {
    if (!isDocumentKind(row.document))
      throw new PermanentError(`"${row.document}" is not an order document.`);
    const { order, pdf } = await renderOrderDocument(
      ctx.replica,
      row.orderId,
      row.document,
      ctx.timeZone,
    );
    const caption = documentCaption(order, row.document, {
      currency: companyCurrency(ctx.replica.db),
    });
    return sent(
      await ctx.bot.sendDocument(row.chatId, pdf, documentFileName(order, row.document), caption),
    );
  }
  return [await deliverCard(row, row.orderId, ctx)];
}

/** A delivery's note (decision 0034): the PDF core/trips renders from the proof, signature and all. */
async function deliverDeliveryNote(
  row: OutboxRow,
  orderId: string,
  sent: (id: number) => Promise<number[]>,
  ctx: SendContext,
): Promise<number[]> {
  const { db, files } = ctx.replica;
  const caption = deliveryNoteCaption(db, orderId, ctx.timeZone);
  if (!caption)
    throw new PermanentError('The proof of delivery is not on the head-office replica.');
  const pdf = await deliveryNotePdf(db, files, orderId);
  const fileName = deliveryNoteFileName(row.orderNumber ?? orderId);
  return sent(await ctx.bot.sendDocument(row.chatId, pdf, fileName, caption));
}

/** A purchase order's card or PDF, for the purchasing group (decision 0032). */
async function deliverPurchase(
  row: OutboxRow,
  purchaseId: string,
  sent: (id: number) => Promise<number[]>,
  ctx: SendContext,
): Promise<number[]> {
  const db = ctx.replica.db;
  if (!db.sqlite.prepare('SELECT 1 FROM purchase_orders WHERE id = ?').get(purchaseId))
    throw new PermanentError('The purchase order is not on the head-office replica.');
  const order = purchaseDetail(db, purchaseId);
  const supplierMinorUnits = minorUnitsOf(order.currencyCode);
  if (row.kind === 'document') {
    if (row.document !== 'purchase_order' || !order.number)
      throw new PermanentError(`"${row.document}" is not a purchase order's document.`);
    const file = await purchaseOrderFile(db, purchaseId);
    return sent(
      await ctx.bot.sendDocument(
        row.chatId,
        file.pdf,
        file.fileName,
        purchaseCaption(order, supplierMinorUnits),
      ),
    );
  }
  const card = renderPurchaseCard(order, {
    currency: companyCurrency(db),
    supplierMinorUnits,
    ...(ctx.timeZone && { timeZone: ctx.timeZone }),
  });
  return [await placeCard(row, purchaseId, card, ctx)];
}

async function deliverCard(row: OutboxRow, orderId: string, ctx: SendContext): Promise<number> {
  const order = orderDetail(ctx.replica.db, orderId);
  const card = renderOrderCard(order, {
    audience: row.audience === 'finance' ? 'finance' : 'branch',
    currency: companyCurrency(ctx.replica.db),
    ...(ctx.timeZone && { timeZone: ctx.timeZone }),
  });
  return placeCard(row, orderId, card, ctx);
}

/** Sends a card as the chat's anchor message for the order, or edits the one sent before. */
async function placeCard(
  row: OutboxRow,
  orderId: string,
  card: RenderedCard,
  ctx: SendContext,
): Promise<number> {
  const markup = JSON.stringify(card.replyMarkup);
  const anchor = await ctx.store.anchor(orderId, row.chatId);
  if (anchor) {
    if (anchor.text === card.text && anchor.markup === markup) return anchor.messageId;
    try {
      await ctx.bot.editMessageText(row.chatId, anchor.messageId, card.text, card.replyMarkup);
      await ctx.store.saveAnchor({ ...anchor, text: card.text, markup, updatedAt: ctx.now() });
      return anchor.messageId;
    } catch (error) {
      if (!(error instanceof TelegramCallError)) throw error;
      if (error.failure.kind === 'not_modified') return anchor.messageId;
      // Someone deleted the card: a new one takes its place.
      if (error.failure.kind !== 'message_gone') throw error;
      await ctx.store.dropAnchor(orderId, row.chatId);
    }
  }
  const messageId = await ctx.bot.sendMessage(row.chatId, card.text, card.replyMarkup);
  await ctx.store.saveAnchor({
    orderId,
    chatId: row.chatId,
    messageId,
    text: card.text,
    markup,
    updatedAt: ctx.now(),
  });
  if (row.uncertainAfter !== null && row.uncertainAfter >= 0)
    await removeLostCopy(row, row.uncertainAfter, messageId, card, ctx);
  return messageId;
}

/**
 * An earlier attempt got no answer, and Telegram may have posted that card: its id lies between
 * the last id the bot knew in the chat then and the card just sent. Bots cannot read a chat, but
 * only the bot's own text can be edited: an id the bot does not know that takes this card's text
 * (or already has it) is the lost copy, and is deleted. People's messages refuse the edit.
 */
async function removeLostCopy(
  row: OutboxRow,
  after: number,
  sentId: number,
  card: { text: string; replyMarkup: Parameters<SendContext['bot']['editMessageText']>[3] },
  ctx: SendContext,
): Promise<void> {
  const known = await ctx.store.knownMessageIds(row.chatId, ctx.now() - WEEK_MS);
  for (let id = after + 1; id < sentId && id <= after + PROBE_IDS; id++) {
    if (known.has(id)) continue;
    try {
      await ctx.bot.editMessageText(row.chatId, id, card.text, card.replyMarkup);
    } catch (error) {
      if (!(error instanceof TelegramCallError) || error.failure.kind !== 'not_modified') continue;
    }
    try {
      await ctx.bot.deleteMessage(row.chatId, id);
      ctx.log({ level: 'info', msg: 'telegram: removed a card sent twice', row: row.id, id });
    } catch (error) {
      // Too old to delete (48 h) or no right to: it shows the current card, like the anchor.
      ctx.log({
        level: 'warn',
        msg: 'telegram: lost copy kept',
        row: row.id,
        error: String(error),
      });
    }
    return;
  }
}
