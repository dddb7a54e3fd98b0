// Telegram's flood limits, as the fake Bot API enforces them when asked: about one message a
// second in a chat, about 20 a minute in a group, about 30 a second across all chats. Beyond
// them Telegram answers 429 with `parameters.retry_after` (seconds), for that chat only.

export interface FloodLimits {
  /** Least time between two messages in one chat. */
  chatGapMs: number;
  /** At most this many messages in a group (negative chat id) per `groupWindowMs`. */
  groupPerWindow: number;
  groupWindowMs: number;
  /** At most this many messages per second across every chat. */
  globalPerSecond: number;
}

/** The limits Telegram documents (https://core.telegram.org/bots/faq#broadcasting-to-users). */
export const TELEGRAM_FLOOD_LIMITS: FloodLimits = {
  chatGapMs: 1000,
  groupPerWindow: 20,
  groupWindowMs: 60_000,
  globalPerSecond: 30,
};

export class FloodMeter {
  private readonly sent = new Map<number, number[]>();
  private readonly all: number[] = [];

  constructor(readonly limits: FloodLimits) {}

  /** Seconds to wait before a message in `chatId` is accepted, or 0 (and it is counted). */
  take(chatId: number, now: number): number {
    const l = this.limits;
    const chat = (this.sent.get(chatId) ?? []).filter((t) => t > now - l.groupWindowMs);
    const recent = this.all.filter((t) => t > now - 1000);
    let waitMs = 0;
    const last = chat.at(-1);
    if (last !== undefined && now - last < l.chatGapMs) waitMs = l.chatGapMs - (now - last);
    if (chatId < 0 && chat.length >= l.groupPerWindow)
      waitMs = Math.max(
        waitMs,
        (chat[chat.length - l.groupPerWindow] ?? now) + l.groupWindowMs - now,
      );
    if (recent.length >= l.globalPerSecond)
      waitMs = Math.max(waitMs, (recent[recent.length - l.globalPerSecond] ?? now) + 1000 - now);
    if (waitMs > 0) return Math.max(1, Math.ceil(waitMs / 1000));
    chat.push(now);
    this.sent.set(chatId, chat);
    this.all.splice(0, this.all.length, ...recent, now);
    return 0;
  }
}
