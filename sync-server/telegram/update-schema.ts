// What Telegram posts to the webhook, parsed (only the fields we use), and what handling an
// update needs: shared by updates.ts and callbacks.ts, so neither imports the other for them.
import { z } from 'zod';
import type { HeadOfficeReplica } from '../replica';
import type { Log, Outbox } from './outbox';
import type { TelegramStore } from './store/types';

/**
 * Telegram's ids and dates are whole numbers that fit a double exactly (chat ids reach 52 bits).
 * Anything else is not from Telegram, and SQLite's integer columns would refuse it only after the
 * update was taken, so it is refused here. Zod's int() is bounded to the safe-integer range.
 */
const telegramInt = z.number().int({
  error: `must be a whole number between ${Number.MIN_SAFE_INTEGER} and ${Number.MAX_SAFE_INTEGER}`,
});
/** Text within the length Telegram itself allows for the field, so nothing larger is stored. */
const text = (max: number) => z.string().max(max, `must be at most ${max} characters`);
/**
 * Opaque strings Telegram makes (a callback query's id, chat_instance): it sets no limit, but
 * they are short numbers; this only keeps a forged one from being large.
 */
const opaque = text(256);
/** Telegram limits callback data to 64 bytes, not characters. */
const MAX_CALLBACK_DATA_BYTES = 64;

const user = z.object({
  id: telegramInt,
  is_bot: z.boolean(),
  first_name: text(64),
  last_name: text(64).optional(),
  username: text(32).optional(),
});
const chat = z.object({
  id: telegramInt,
  type: z.enum(['private', 'group', 'supergroup', 'channel']),
  title: text(128).optional(),
});
const chatMember = z.object({
  status: z.enum(['creator', 'administrator', 'member', 'restricted', 'left', 'kicked']),
  user,
  is_member: z.boolean().optional(),
});
const message = z.object({
  message_id: telegramInt,
  from: user.optional(),
  chat,
  date: telegramInt,
  text: text(4096).optional(),
  migrate_to_chat_id: telegramInt.optional(),
});

export const updateSchema = z.object({
  update_id: telegramInt.nonnegative(),
  message: message.optional(),
  my_chat_member: z
    .object({
      chat,
      from: user,
      date: telegramInt,
      old_chat_member: chatMember,
      new_chat_member: chatMember,
    })
    .optional(),
  callback_query: z
    .object({
      id: opaque,
      from: user,
      message: z.object({ message_id: telegramInt, chat }).optional(),
      chat_instance: opaque,
      data: z
        .string()
        .refine(
          (data) => Buffer.byteLength(data, 'utf8') <= MAX_CALLBACK_DATA_BYTES,
          `must be at most ${MAX_CALLBACK_DATA_BYTES} bytes`,
        )
        .optional(),
    })
    .optional(),
});
export type Update = z.output<typeof updateSchema>;
export type TelegramUser = z.output<typeof user>;
export type ChatMember = z.output<typeof chatMember>;
export type TelegramMessage = z.output<typeof message>;

export interface UpdateDeps {
  store: TelegramStore;
  outbox: Outbox;
  replica: HeadOfficeReplica;
  log: Log;
  /** A PDF button pressed again by the same person on the same card within this sends nothing. */
  buttonRepeatMs: number;
}
