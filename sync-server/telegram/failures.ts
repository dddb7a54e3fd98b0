// What a failed send means for its row, its chat and the bot:
// - 429: only that chat waits, exactly as long as Telegram asked (retry_after);
// - migrate_to_chat_id (on any error answer): the group became a supergroup; its link and every
//   row waiting for it move to the new id, and this row is sent there at once;
// - 401: the token was revoked; sending pauses (nothing is dropped) until an admin sets one;
// - 403: the bot was kicked (or blocked): the group is marked inactive at once, with the reason,
//   and the chat's waiting rows fail without another try;
// - no answer: Telegram may have taken the message; the row is tried again and remembers where
//   the chat stood, so a card sent twice can be found and the extra one removed (sender.ts);
// - anything else: exponential backoff, up to maxAttempts; a 400 fails at once.
import { TelegramCallError, type TelegramFailure } from './bot';
import type { ResolvedTelegramConfig } from './config';
import type { Log } from './log';
import { PermanentError } from './sender';
import type { OutboxResult, OutboxRow, TelegramStore } from './store/types';

export interface FailureContext {
  store: TelegramStore;
  config: ResolvedTelegramConfig;
  log: Log;
  /** Records that Telegram refused the current token (pauses sending). */
  refuseToken(): Promise<void>;
  /** The admin's words for the pause. */
  pausedText(): Promise<string>;
}

export function failureOf(error: unknown): TelegramFailure {
  if (error instanceof TelegramCallError) return error.failure;
  if (error instanceof PermanentError) return { kind: 'permanent', description: error.message };
  return {
    kind: 'transient',
    description: error instanceof Error ? error.message : String(error),
  };
}

const backoff = (row: OutboxRow, config: ResolvedTelegramConfig, now: number) =>
  now +
  Math.round(
    Math.min(config.retryMaxMs, config.retryBaseMs * 2 ** Math.max(0, row.attempts - 1)) *
      (1 + Math.random() * 0.2),
  );

export async function afterFailure(
  row: OutboxRow,
  failure: TelegramFailure,
  ctx: FailureContext,
): Promise<OutboxResult> {
  const now = Date.now();
  const about = { row: row.id, order: row.orderNumber, chat: row.chatId, kind: row.kind };
  switch (failure.kind) {
    case 'rate_limited': {
      const until = now + failure.retryAfter * 1000;
      ctx.log({
        level: 'warn',
        msg: 'telegram: rate limited',
        retryAfter: failure.retryAfter,
        ...about,
      });
      return {
        status: 'pending',
        error: `Telegram asked to wait ${failure.retryAfter} s (429).`,
        nextAt: until,
        chatNextAt: until,
      };
    }
    case 'migrated': {
      await ctx.store.migrateGroup(row.chatId, failure.to);
      ctx.log({
        level: 'info',
        msg: 'telegram: group became a supergroup',
        to: failure.to,
        ...about,
      });
      return {
        status: 'pending',
        error: `The group became a supergroup (new chat id ${failure.to}); sending there.`,
        nextAt: now,
      };
    }
    case 'unauthorized': {
      await ctx.refuseToken();
      const words = await ctx.pausedText();
      await ctx.store.setSetting('lastError', words);
      ctx.log({ level: 'error', msg: 'telegram: token refused, sending paused', ...about });
      return { status: 'pending', error: `Paused: ${failure.description}`, nextAt: now };
    }
    case 'forbidden': {
      const group = await ctx.store.group(row.chatId);
      if (group) {
        const reason = `Telegram refuses to post there: “${failure.description}”. Add the bot to the group again (then link it) to get notifications there.`;
        await ctx.store.deactivateGroup(row.chatId, now, reason);
        const failed = await ctx.store.failChat(row.chatId, failure.description, now);
        ctx.log({ level: 'warn', msg: 'telegram: bot removed from a group', failed, ...about });
      }
      return { status: 'failed', error: failure.description };
    }
    case 'uncertain': {
      if (row.attempts >= ctx.config.maxAttempts) break;
      // The first unanswered attempt fixes where the chat stood before the lost copy.
      const pace = await ctx.store.chatPace(row.chatId);
      return {
        status: 'pending',
        error: failure.description,
        nextAt: backoff(row, ctx.config, now),
        ...(row.uncertainAfter === null && { uncertainAfter: pace?.lastMessageId ?? -1 }),
      };
    }
    default:
  }
  if (failure.kind === 'permanent' || row.attempts >= ctx.config.maxAttempts) {
    const error =
      failure.kind === 'permanent'
        ? failure.description
        : `Gave up after ${row.attempts} attempts: ${failure.description}`;
    ctx.log({ level: 'warn', msg: 'telegram: notification failed', error, ...about });
    return { status: 'failed', error };
  }
  return { status: 'pending', error: failure.description, nextAt: backoff(row, ctx.config, now) };
}
