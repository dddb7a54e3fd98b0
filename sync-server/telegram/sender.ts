// Sends one outbox row. Cards: the first send in a chat becomes the order's anchor message,
// every later step edits that same message. What a row shows is rendered when it is sent, from
// the replica, so a card never goes back to an older state.
import type { BranchCore } from '../../core/runtime';
import { orderDetail } from '../../core/orders/queries';
import { documentCaption, documentFileName, renderOrderCard } from '../../core/telegram/card';
import { isDocumentKind } from '../../core/vocabulary';
import { TelegramCallError, type BotClient } from './bot';
import { renderOrderDocument } from './documents';
import type { OutboxRow, TelegramStore } from './store/types';

export class PermanentError extends Error {
  override readonly name = 'PermanentError';
}

export interface SendContext {
  bot: BotClient;
  store: TelegramStore;
  replica: BranchCore;
  timeZone?: string | undefined;
  now: () => number;
}

/** Sends or edits; answers the Telegram message ids. Throws TelegramCallError or PermanentError. */
export async function deliver(row: OutboxRow, ctx: SendContext): Promise<number[]> {
  if (row.kind === 'message') {
    if (!row.text) throw new PermanentError('The message has no text.');
    return [await ctx.bot.sendMessage(row.chatId, row.text)];
  }
  if (!row.orderId) throw new PermanentError('The row names no order.');
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
    const caption = documentCaption(order, row.document);
    return [
      await ctx.bot.sendDocument(row.chatId, pdf, documentFileName(order, row.document), caption),
    ];
  }
  return [await deliverCard(row, row.orderId, ctx)];
}

async function deliverCard(row: OutboxRow, orderId: string, ctx: SendContext): Promise<number> {
  const order = orderDetail(ctx.replica.db, orderId);
  const card = renderOrderCard(order, {
    audience: row.audience ?? 'branch',
    ...(ctx.timeZone && { timeZone: ctx.timeZone }),
  });
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
  return messageId;
}
