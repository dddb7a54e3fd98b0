// What Telegram posts to the webhook, parsed (only the fields we use), and what handling an
// update needs: shared by updates.ts and callbacks.ts, so neither imports the other for them.
import { z } from 'zod';
import type { HeadOfficeReplica } from '../replica';
import type { Log, Outbox } from './outbox';
import type { TelegramStore } from './store/types';

const user = z.object({
  id: z.number(),
  is_bot: z.boolean(),
  first_name: z.string(),
  last_name: z.string().optional(),
  username: z.string().optional(),
});
const chat = z.object({
  id: z.number(),
  type: z.enum(['private', 'group', 'supergroup', 'channel']),
  title: z.string().optional(),
});
const chatMember = z.object({
  status: z.enum(['creator', 'administrator', 'member', 'restricted', 'left', 'kicked']),
  user,
  is_member: z.boolean().optional(),
});
const message = z.object({
  message_id: z.number(),
  from: user.optional(),
  chat,
  date: z.number(),
  text: z.string().optional(),
  migrate_to_chat_id: z.number().optional(),
});

export const updateSchema = z.object({
  update_id: z.number().int().nonnegative(),
  message: message.optional(),
  my_chat_member: z
    .object({
      chat,
      from: user,
      date: z.number(),
      old_chat_member: chatMember,
      new_chat_member: chatMember,
    })
    .optional(),
  callback_query: z
    .object({
      id: z.string(),
      from: user,
      message: z.object({ message_id: z.number(), chat }).optional(),
      chat_instance: z.string(),
      data: z.string().optional(),
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
