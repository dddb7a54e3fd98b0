// What each update Telegram posts to the webhook (parsed by ./update-schema.ts) does: the bot
// joining or leaving a group, `/link CODE` in a private chat, a group becoming a supergroup, and
// button presses (./callbacks.ts). Replies go through the outbox like every other message, keyed
// by the update, so a repeated update sends nothing twice.
import { and, eq } from 'drizzle-orm';
import { users } from '../../core/db/schema';
import { escapeHtml } from '../../core/telegram/html';
import { welcomeText } from '../../core/telegram/card';
import { handleCallback } from './callbacks';
import { hashLinkCode } from './link-codes';
import type { NewOutboxRow } from './store/types';
import type {
  ChatMember,
  TelegramMessage,
  TelegramUser,
  Update,
  UpdateDeps,
} from './update-schema';

const isIn = (m: ChatMember) =>
  m.status === 'creator' ||
  m.status === 'administrator' ||
  m.status === 'member' ||
  (m.status === 'restricted' && m.is_member === true);

export const personName = (u: TelegramUser) =>
  [u.first_name, u.last_name].filter(Boolean).join(' ') + (u.username ? ` (@${u.username})` : '');

/** A text message from the bot, sent through the outbox once per cause. */
export const messageRow = (
  key: string,
  chatId: number,
  text: string,
  cause: string,
): NewOutboxRow => ({
  key,
  eventSeq: 0,
  orderId: null,
  orderNumber: null,
  chatId,
  kind: 'message',
  document: null,
  audience: null,
  cause,
  text,
});

export async function handleUpdate(update: Update, deps: UpdateDeps): Promise<void> {
  const now = Date.now();
  const member = update.my_chat_member;
  if (member && member.chat.type !== 'private') {
    const { chat: c } = member;
    if (isIn(member.new_chat_member)) {
      await deps.store.saveGroup(
        { chatId: c.id, title: c.title ?? String(c.id), type: c.type },
        now,
      );
      if (!isIn(member.old_chat_member)) {
        const botName = member.new_chat_member.user.username ?? null;
        const text = welcomeText(c.title ?? 'everyone', botName);
        await deps.store.enqueue(
          [messageRow(`welcome:${update.update_id}`, c.id, text, 'welcome')],
          now,
        );
        deps.log({
          level: 'info',
          msg: 'telegram: bot added to a group',
          chat: c.id,
          title: c.title,
        });
      }
    } else {
      const by =
        member.from.id === member.new_chat_member.user.id ? 'itself' : personName(member.from);
      await deps.store.deactivateGroup(c.id, now, `The bot was removed from the group (by ${by}).`);
      deps.log({ level: 'info', msg: 'telegram: bot removed from a group', chat: c.id });
    }
  }
  if (update.message) await handleMessage(update.update_id, update.message, deps, now);
  if (update.callback_query) await handleCallback(update.callback_query, deps);
  void deps.outbox.wake();
}

async function handleMessage(
  updateId: number,
  m: TelegramMessage,
  deps: UpdateDeps,
  now: number,
): Promise<void> {
  if (m.migrate_to_chat_id !== undefined) {
    await deps.store.migrateGroup(m.chat.id, m.migrate_to_chat_id);
    deps.log({
      level: 'info',
      msg: 'telegram: group became a supergroup',
      from: m.chat.id,
      to: m.migrate_to_chat_id,
    });
    return;
  }
  const command = /^\/(link|start)(?:@\w+)?(?:\s+(\S+))?\s*$/i.exec(m.text?.trim() ?? '');
  if (!command || !m.from) return;
  const reply = (text: string) =>
    deps.store.enqueue([messageRow(`reply:${updateId}`, m.chat.id, text, 'reply')], now);
  if (m.chat.type !== 'private') {
    await reply(
      'To link your account, send me <code>/link CODE</code> in a private chat (never in a group).',
    );
    return;
  }
  const code = command[2];
  if (!code) {
    await reply(
      'Hello! To link your Telegram account to the ERP, open the app, choose <b>Link Telegram</b>, and send me <code>/link CODE</code> with the code it shows.',
    );
    return;
  }
  const userId = await deps.store.takeLinkCode(hashLinkCode(code), now);
  const person = userId
    ? deps.replica.core.db.orm
        .select({ name: users.displayName, role: users.role })
        .from(users)
        .where(and(eq(users.id, userId), eq(users.disabled, false)))
        .get()
    : undefined;
  if (!userId || !person) {
    await reply('That code is wrong, used already or expired. Ask the app for a new one.');
    return;
  }
  await deps.store.linkUser({
    telegramUserId: m.from.id,
    userId,
    name: personName(m.from),
    at: now,
  });
  deps.log({
    level: 'info',
    msg: 'telegram: account linked',
    user: userId,
    telegramUser: m.from.id,
  });
  const finance = person.role === 'finance' || person.role === 'admin';
  await reply(
    `✅ Linked to <b>${escapeHtml(person.name)}</b>.${finance ? " You can now reject payments with the button in the finance group's cards; verify them in the app, with the amount the slip shows." : ''}`,
  );
}
