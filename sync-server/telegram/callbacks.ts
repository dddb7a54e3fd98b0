// Button presses on the cards. A PDF button has the bot send that PDF to the chat again (for
// chats that follow the order), once per person, card and PDF within buttonRepeatMs: pressing
// it again meanwhile is answered, not sent again (a group's flood limit is 20 messages a minute).
// Reject runs the same operation as the app, on head office's replica, as the app user the
// presser linked with `/link`; anyone else is told "not allowed" and nothing changes. A
// rejection from Telegram gives the reason "Rejected from Telegram by <name>": finance writes
// details in the app if needed. Verify is no longer on the cards: a payment is verified with the
// amount, day and bank reference someone read off the slip, in the app. A Verify button on a
// card sent before that changes nothing and says so.
import { and, eq } from 'drizzle-orm';
import { roleHas } from '../../core/vocabulary';
import { operations } from '../../core/contract/api';
import type { Actor } from '../../core/contract/context';
import { orders, users } from '../../core/db/schema';
import { execute } from '../../core/contract/execute';
import { DomainError } from '../../core/errors';
import { parseCallbackData } from '../../core/telegram/callback';
import { documentTitles } from '../../core/telegram/card';
import { cutText, telegramLimits } from '../../core/telegram/html';
import type { Update, UpdateDeps } from './update-schema';

type CallbackQuery = NonNullable<Update['callback_query']>;

const NOT_ALLOWED =
  'Not allowed: only finance staff who linked their Telegram account (/link in a private chat with the bot) may verify or reject payments.';

/** What finance is told on pressing a Verify button of a card sent before it was removed. */
const verifyInTheApp = (orderNumber: string) =>
  `Nothing was verified. Record the amount, date and bank reference of order ${orderNumber} in the app: Payments waiting (Alt+Y).`;

function actorOf(deps: UpdateDeps, userId: string): Actor | null {
  const row = deps.replica.core.db.orm
    .select({
      userId: users.id,
      username: users.username,
      displayName: users.displayName,
      role: users.role,
      branchId: users.branchId,
    })
    .from(users)
    .where(and(eq(users.id, userId), eq(users.disabled, false)))
    .get();
  return row ?? null;
}

export async function handleCallback(q: CallbackQuery, deps: UpdateDeps): Promise<void> {
  const bot = await deps.outbox.bot();
  const answer = async (text: string, alert = false) => {
    try {
      await bot?.answerCallbackQuery(q.id, cutText(text, telegramLimits.callbackAnswer), alert);
    } catch (error) {
      // The press is handled either way; the person only misses the little notice.
      deps.log({
        level: 'warn',
        msg: 'telegram: answerCallbackQuery failed',
        error: String(error),
      });
    }
  };
  const action = q.data ? parseCallbackData(q.data) : null;
  const chatId = q.message?.chat.id;
  if (!action || chatId === undefined) {
    await answer('This button is no longer in use.');
    return;
  }
  const order = deps.replica.core.db.orm
    .select({ number: orders.number, shopId: orders.shopId, factoryId: orders.factoryId })
    .from(orders)
    .where(eq(orders.id, action.orderId))
    .get();
  if (!order) {
    await answer('That order is not at head office.', true);
    return;
  }

  if (action.action === 'document') {
    const group = await deps.store.group(chatId);
    const follows =
      group?.active === true &&
      (group.role === 'finance' ||
        group.branchId === order.shopId ||
        group.branchId === order.factoryId);
    if (!follows) {
      await answer('Not allowed: this chat does not follow that order.', true);
      return;
    }
    const title = documentTitles[action.document].toLowerCase();
    const pressed = `button:${chatId}:${q.message?.message_id ?? 0}:${q.from.id}:${action.document}:`;
    if (await deps.store.recentRow(pressed, Date.now() - deps.buttonRepeatMs)) {
      await answer(`The ${title} was sent a moment ago; it is on its way.`);
      return;
    }
    await deps.store.enqueue(
      [
        {
          key: `${pressed}${q.id}`,
          eventSeq: 0,
          orderId: action.orderId,
          orderNumber: order.number,
          chatId,
          kind: 'document',
          document: action.document,
          audience: null,
          cause: 'button',
          text: null,
        },
      ],
      Date.now(),
    );
    await answer(`Sending the ${title}…`);
    return;
  }

  const userId = await deps.store.linkedUser(q.from.id);
  const actor = userId ? actorOf(deps, userId) : null;
  if (!actor || !roleHas(actor.role, 'orders.verifyPayment')) {
    deps.log({
      level: 'warn',
      msg: 'telegram: button refused',
      telegramUser: q.from.id,
      order: order.number,
    });
    await answer(NOT_ALLOWED, true);
    return;
  }
  if (action.action === 'verify') {
    deps.log({
      level: 'info',
      msg: 'telegram: old verify button pressed, sent to the app',
      order: order.number,
      user: actor.userId,
    });
    await answer(verifyInTheApp(order.number), true);
    return;
  }
  const ctx = { ...deps.replica.core.context(), actor };
  try {
    execute(operations, ctx, 'orders.rejectPayment', {
      orderId: action.orderId,
      reason: `Rejected from Telegram by ${actor.displayName}`,
    });
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    await answer(error.message, true);
    return;
  }
  deps.log({
    level: 'info',
    msg: 'telegram: payment rejected',
    order: order.number,
    user: actor.userId,
  });
  await answer(`Payment of order ${order.number} rejected.`);
  // Head office's log gets the step at once; the outbox then edits the cards.
  await deps.replica.catchUp();
}
