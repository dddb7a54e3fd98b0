// Updates shaped as the Bot API documents them (Update, ChatMemberUpdated, Message,
// CallbackQuery), and a poster that delivers them to the webhook as Telegram does.
import type { FakeBotApi } from './fake-bot-api';

export interface TgUser {
  id: number;
  is_bot: boolean;
  first_name: string;
  last_name?: string;
  username?: string;
}

export interface TgChat {
  id: number;
  type: 'private' | 'group' | 'supergroup';
  title?: string;
  first_name?: string;
}

let nextUpdateId = 500_000;
export const updateId = () => ++nextUpdateId;
const date = () => Math.floor(Date.now() / 1000);

export const person = (id: number, first_name: string, username?: string): TgUser => ({
  id,
  is_bot: false,
  first_name,
  ...(username && { username }),
});

export const botUser = (api: FakeBotApi): TgUser => ({
  id: api.bot.id,
  is_bot: true,
  first_name: api.bot.first_name,
  username: api.bot.username,
});

/** The bot's own membership changed: `member` when added, `left` or `kicked` when removed. */
export function myChatMember(
  api: FakeBotApi,
  chat: TgChat,
  from: TgUser,
  change: {
    old: 'left' | 'kicked' | 'member';
    new: 'member' | 'administrator' | 'left' | 'kicked';
  },
  id = updateId(),
) {
  return {
    update_id: id,
    my_chat_member: {
      chat,
      from,
      date: date(),
      old_chat_member: { user: botUser(api), status: change.old },
      new_chat_member: { user: botUser(api), status: change.new },
    },
  };
}

/** A text message; bot commands carry their entity as Telegram sends them. */
export function textMessage(chat: TgChat, from: TgUser, text: string, id = updateId()) {
  const command = /^\/\S+/.exec(text);
  return {
    update_id: id,
    message: {
      message_id: id % 100_000,
      from,
      chat,
      date: date(),
      text,
      ...(command && { entities: [{ type: 'bot_command', offset: 0, length: command[0].length }] }),
    },
  };
}

/** A press of an inline button under one of the bot's messages. */
export function callbackQuery(
  api: FakeBotApi,
  chat: TgChat,
  messageId: number,
  from: TgUser,
  data: string,
  id = updateId(),
) {
  return {
    update_id: id,
    callback_query: {
      id: `cbq-${id}`,
      from,
      message: { message_id: messageId, from: botUser(api), chat, date: date(), text: '…' },
      chat_instance: `ci-${chat.id}`,
      data,
    },
  };
}

/** Delivers an update as Telegram does: POST with the secret header. */
export async function deliver(
  base: string,
  update: unknown,
  secret: string | null,
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${base}/telegram/webhook`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(secret !== null && { 'x-telegram-bot-api-secret-token': secret }),
    },
    body: JSON.stringify(update),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as unknown) : null };
}
