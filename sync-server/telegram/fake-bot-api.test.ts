// The fake Bot API must refuse what Telegram refuses, or the other tests prove nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BotClient, TelegramCallError, type TelegramFailure } from './bot';
import { FakeBotApi } from './testing/fake-bot-api';
import { TOKEN } from './testing/harness';

let api: FakeBotApi;
let bot: BotClient;
const GROUP = -100500;
beforeAll(async () => {
  api = await FakeBotApi.start([TOKEN]);
  api.addChat(GROUP, 'Group', 'supergroup');
  bot = new BotClient(TOKEN, { apiUrl: api.url, requestTimeoutMs: 5000 });
});
afterAll(() => api.close());

async function failure(call: Promise<unknown>): Promise<TelegramFailure> {
  try {
    await call;
  } catch (error) {
    if (error instanceof TelegramCallError) return error.failure;
    throw error;
  }
  throw new Error('the call succeeded');
}

const keyboard = (data: string) => ({ inline_keyboard: [[{ text: 'x', callback_data: data }]] });
const pdf = Buffer.from('%PDF-1.4\n%%EOF\n');

describe('the fake Bot API', () => {
  it('accepts what Telegram accepts, through the real client, in each body encoding', async () => {
    const id = await bot.sendMessage(GROUP, '<b>Hi</b> &amp; &lt;ሰላም&gt; 🙂', keyboard('v:1'));
    expect(api.messagesIn(GROUP).find((m) => m.messageId === id)?.text).toContain('ሰላም');
    await bot.editMessageText(GROUP, id, '<i>edited</i>', keyboard('v:2'));
    const doc = await bot.sendDocument(GROUP, pdf, 'a.pdf', '<b>caption</b>');
    expect(api.messagesIn(GROUP).find((m) => m.messageId === doc)?.document).toMatchObject({
      fileName: 'a.pdf',
      mimeType: 'application/pdf',
      size: pdf.length,
    });
    const json = await fetch(`${api.url}/bot${TOKEN}/sendMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ chat_id: GROUP, text: 'json body' }),
    });
    expect(((await json.json()) as { ok: boolean }).ok).toBe(true);
    expect(await bot.getMe()).toEqual({ id: api.bot.id, username: api.bot.username });
  });

  it('refuses broken HTML, texts over the limits and callback data over 64 bytes', async () => {
    for (const bad of ['<b>Tom & Jerry</b>', '<b>open', '<script>x</script>', 'a < b'])
      expect((await failure(bot.sendMessage(GROUP, bad))).description, bad).toMatch(
        /can't parse entities/,
      );
    expect((await failure(bot.sendMessage(GROUP, 'x'.repeat(4097)))).description).toMatch(
      /too long/,
    );
    await bot.sendMessage(GROUP, `<b>${'x'.repeat(4096)}</b>`); // tags do not count
    expect(
      (await failure(bot.sendDocument(GROUP, pdf, 'a.pdf', 'x'.repeat(1025)))).description,
    ).toMatch(/caption is too long/);
    expect(
      (await failure(bot.sendMessage(GROUP, 'ok', keyboard('ሀ'.repeat(22))))).description,
    ).toBe('Bad Request: BUTTON_DATA_INVALID');
  });

  it('answers as Telegram does for missing chats, kicked bots, edits and floods', async () => {
    expect(await failure(bot.sendMessage(-1, 'hi'))).toEqual({
      kind: 'permanent',
      description: 'Bad Request: chat not found',
    });
    const id = await bot.sendMessage(GROUP, 'same');
    await bot.editMessageText(GROUP, id, 'same', keyboard('a')); // the buttons differ
    expect((await failure(bot.editMessageText(GROUP, id, 'same', keyboard('a')))).kind).toBe(
      'not_modified',
    );
    expect((await failure(bot.editMessageText(GROUP, 999_999, 'x', keyboard('a')))).kind).toBe(
      'message_gone',
    );
    api.rateLimit('sendMessage', 3);
    expect(await failure(bot.sendMessage(GROUP, 'flood'))).toEqual({
      kind: 'rate_limited',
      retryAfter: 3,
      description: 'Too Many Requests: retry after 3',
    });
    api.failNext('sendMessage', 500, 'Internal Server Error');
    expect((await failure(bot.sendMessage(GROUP, 'oops'))).kind).toBe('transient');
    const stranger = new BotClient('1:AAHsomeoneElsesTokenxxxxxxxxxxxx', {
      apiUrl: api.url,
      requestTimeoutMs: 5000,
    });
    expect(await failure(stranger.getMe())).toEqual({
      kind: 'unauthorized',
      description: '401 Unauthorized',
    });
    // A group upgraded to a supergroup: any call for the old id names the new one.
    const OLD = -4242;
    api.addChat(OLD, 'Old group', 'group');
    api.upgrade(OLD, -1004242);
    expect(await failure(bot.sendMessage(OLD, 'hi'))).toEqual({
      kind: 'migrated',
      to: -1004242,
      description: 'Bad Request: group chat was upgraded to a supergroup chat',
    });
    expect((await failure(bot.editMessageText(OLD, 1, 'x', keyboard('v:1')))).kind).toBe(
      'migrated',
    );
    // Flood limits: a second message in a chat within a second waits, another chat does not.
    api.floodLimits();
    const OTHER = -100501;
    api.addChat(OTHER, 'Other', 'supergroup');
    await bot.sendMessage(GROUP, 'one');
    expect(await failure(bot.sendMessage(GROUP, 'two'))).toMatchObject({
      kind: 'rate_limited',
      retryAfter: 1,
    });
    await bot.sendMessage(OTHER, 'one');
    api.floodLimits(null);
    // Taken, but the answer lost: uncertain (unlike a refused connection).
    api.dropAnswer('sendMessage');
    expect((await failure(bot.sendMessage(GROUP, 'lost'))).kind).toBe('uncertain');
    expect(api.messagesIn(GROUP).some((m) => m.text === 'lost')).toBe(true);
    // Webhook state and deleting the bot's own message.
    expect(await bot.getWebhookInfo(5)).toEqual({
      url: '',
      pendingUpdateCount: 0,
      lastErrorAt: null,
      lastErrorMessage: null,
      checkedAt: 5,
    });
    const mine = await bot.sendMessage(GROUP, 'delete me');
    await bot.deleteMessage(GROUP, mine);
    expect((await failure(bot.deleteMessage(GROUP, mine))).kind).toBe('permanent');
    api.kick(GROUP);
    expect(await failure(bot.sendMessage(GROUP, 'hi'))).toEqual({
      kind: 'forbidden',
      description: 'Forbidden: bot was kicked from the supergroup chat',
    });
    const gone = new BotClient(TOKEN, { apiUrl: 'http://127.0.0.1:1', requestTimeoutMs: 1000 });
    expect((await failure(gone.getMe())).kind).toBe('transient');
  });
});
