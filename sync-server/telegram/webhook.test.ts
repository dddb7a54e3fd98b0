import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { htmlToText } from '../../core/telegram/html';
import { OWNER, PUBLIC_URL, startTelegramWorld, type TelegramWorld } from './testing/harness';
import { callbackQuery, deliver, myChatMember, textMessage, updateId } from './testing/updates';

let t: TelegramWorld;
beforeAll(async () => {
  t = await startTelegramWorld();
});
afterAll(() => t.close());

const group = (id: number, title: string) => ({ id, type: 'group' as const, title });
const welcomes = (chatId: number) =>
  t.api
    .succeeded('sendMessage')
    .filter(
      (c) => Number(c.params['chat_id']) === chatId && /Hello/.test(String(c.params['text'])),
    );

describe('the Telegram webhook', () => {
  it('was registered with Telegram with its secret and the updates it handles', () => {
    expect(t.api.webhook).toEqual({
      url: `${PUBLIC_URL}/telegram/webhook`,
      secretToken: t.tg().webhookSecret,
      allowedUpdates: ['message', 'my_chat_member', 'callback_query'],
    });
    expect(t.tg().webhookSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('refuses a request without the secret header, or with a wrong one, and changes nothing', async () => {
    const chat = group(-401, 'Intruders');
    t.api.addChat(chat.id, 'Intruders');
    const update = myChatMember(t.api, chat, OWNER, { old: 'left', new: 'member' });
    const secret = t.tg().webhookSecret;
    for (const wrong of [null, '', 'guess', `${secret}x`, secret.slice(0, -1)]) {
      const r = await deliver(t.w.base, update, wrong);
      expect(r.status, String(wrong)).toBe(401);
    }
    await t.settle();
    expect(await t.w.admin('telegram.groups.list', {})).not.toContainEqual(
      expect.objectContaining({ chatId: chat.id }),
    );
    expect(welcomes(chat.id)).toEqual([]);
    // The same update with the right secret is then handled: it was never marked as seen.
    expect((await t.post(update)).status).toBe(200);
    await t.settle();
    expect(welcomes(chat.id)).toHaveLength(1);
  });

  it('records a group the bot joins and welcomes it once, however often Telegram repeats the update', async () => {
    const chat = group(-402, `Shop <b>&"' ሱቅ 🙂`);
    t.api.addChat(chat.id, chat.title);
    const update = myChatMember(t.api, chat, OWNER, { old: 'left', new: 'member' });
    expect((await t.post(update)).body).toEqual({ ok: true });
    expect((await t.post(update)).body).toEqual({ ok: true, duplicate: true });
    await t.settle();
    expect((await t.post(update)).body).toEqual({ ok: true, duplicate: true });
    await t.settle();
    const sent = welcomes(chat.id);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.params['parse_mode']).toBe('HTML');
    expect(htmlToText(String(sent[0]!.params['text']))).toContain(`Hello, ${chat.title}!`);
    expect(await t.w.admin('telegram.groups.list', {})).toContainEqual(
      expect.objectContaining({ chatId: chat.id, title: chat.title, type: 'group', active: true }),
    );
  });

  it('marks a group inactive when the bot is removed, and active again when it is added back', async () => {
    const chat = group(-403, 'Comes and goes');
    t.api.addChat(chat.id, chat.title);
    await t.post(myChatMember(t.api, chat, OWNER, { old: 'left', new: 'member' }));
    await t.w.admin('telegram.groups.link', { chatId: chat.id, branchId: t.w.branch.SH02 });
    await t.post(myChatMember(t.api, chat, OWNER, { old: 'member', new: 'kicked' }));
    const removed = (await t.w.admin('telegram.groups.list', {})).find((g) => g.chatId === chat.id);
    expect(removed).toMatchObject({ active: false, branchId: t.w.branch.SH02 });
    expect(removed?.removedAt).toEqual(expect.any(Number));
    await expect(
      t.w.admin('telegram.groups.link', { chatId: chat.id, role: 'finance' }),
    ).rejects.toThrow(/removed/);
    // Promoted to admin while in the group: no second welcome.
    await t.post(myChatMember(t.api, chat, OWNER, { old: 'left', new: 'member' }));
    await t.post(myChatMember(t.api, chat, OWNER, { old: 'member', new: 'administrator' }));
    await t.settle();
    expect(welcomes(chat.id)).toHaveLength(2);
    expect(
      (await t.w.admin('telegram.groups.list', {})).find((g) => g.chatId === chat.id),
    ).toMatchObject({
      active: true,
      branchId: t.w.branch.SH02,
      removedAt: null,
    });
  });

  it('follows a group that becomes a supergroup to its new chat id', async () => {
    const chat = group(-405, 'Growing');
    t.api.addChat(chat.id, chat.title);
    await t.post(myChatMember(t.api, chat, OWNER, { old: 'left', new: 'member' }));
    await t.w.admin('telegram.groups.link', { chatId: chat.id, branchId: t.w.branch.FAC });
    const migrated = textMessage(chat, OWNER, '');
    delete (migrated.message as { text?: string }).text;
    await t.post({ ...migrated, message: { ...migrated.message, migrate_to_chat_id: -1009405 } });
    const groups = await t.w.admin('telegram.groups.list', {});
    expect(groups.find((g) => g.chatId === -1009405)).toMatchObject({
      type: 'supergroup',
      active: true,
      branchId: t.w.branch.FAC,
    });
    expect(groups.find((g) => g.chatId === chat.id)).toMatchObject({
      active: false,
      branchId: null,
    });
  });

  it('answers 400 to a body that is not an update, and ignores kinds of update it does not use', async () => {
    expect((await t.post({ hello: 'world' })).status).toBe(400);
    expect(
      (await t.post({ update_id: updateId(), edited_message: { message_id: 1 } })).status,
    ).toBe(200);
    // A /link in a group is not taken: codes belong in a private chat.
    const chat = group(-404, 'Chatty');
    t.api.addChat(chat.id, chat.title);
    await t.post(textMessage(chat, OWNER, '/link ABCD-EFGH'));
    await t.settle();
    const reply = t.api
      .succeeded('sendMessage')
      .filter((c) => Number(c.params['chat_id']) === chat.id);
    expect(String(reply[0]?.params['text'])).toMatch(/private chat/);
  });

  it('answers 400 naming the field to an update whose ids are not safe whole numbers or whose text is too long, and stores nothing', async () => {
    const chat = group(-406, 'Forged');
    t.api.addChat(chat.id, chat.title);
    const id = updateId();
    const forged = (change: (u: ReturnType<typeof myChatMember>) => void) => {
      const u = myChatMember(t.api, chat, OWNER, { old: 'left', new: 'member' }, id);
      change(u);
      return u;
    };
    const cases: [ReturnType<typeof myChatMember>, RegExp][] = [
      [
        forged((u) => (u.my_chat_member.chat = { ...chat, id: -406.5 })),
        /my_chat_member\.chat\.id: must be a whole number/,
      ],
      [
        forged((u) => (u.my_chat_member.chat = { ...chat, id: -1e308 })),
        /my_chat_member\.chat\.id: must be a whole number/,
      ],
      [
        forged(
          (u) =>
            (u.my_chat_member.chat = { ...chat, id: Number('123456789012345678901234567890') }),
        ),
        /my_chat_member\.chat\.id: must be a whole number/,
      ],
      [
        forged((u) => (u.my_chat_member.date = 1.5)),
        /my_chat_member\.date: must be a whole number/,
      ],
      [
        forged((u) => (u.my_chat_member.chat = { ...chat, title: 'T'.repeat(129) })),
        /my_chat_member\.chat\.title: must be at most 128 characters/,
      ],
      [
        forged((u) => (u.my_chat_member.from = { ...OWNER, first_name: 'F'.repeat(65) })),
        /my_chat_member\.from\.first_name: must be at most 64 characters/,
      ],
    ];
    for (const [update, why] of cases) {
      const r = await t.post(update);
      expect(r.status, String(why)).toBe(400);
      expect(r.body).toMatchObject({
        ok: false,
        code: 'VALIDATION',
        message: expect.stringMatching(/^The body is not a Telegram update: /),
        error: { code: 'VALIDATION' },
      });
      expect((r.body as { message: string }).message).toMatch(why);
    }
    const text = textMessage({ id: 4060, type: 'private' }, OWNER, `/start ${'A'.repeat(4096)}`);
    const long = await t.post(text);
    expect(long.status).toBe(400);
    expect(long.body).toMatchObject({
      message: expect.stringMatching(/message\.text: must be at most 4096 characters/),
    });
    const press = callbackQuery(t.api, chat, 1, OWNER, 'x'.repeat(33).replace(/x/g, 'é'));
    const data = await t.post(press);
    expect(data.status).toBe(400);
    expect(data.body).toMatchObject({
      message: expect.stringMatching(/callback_query\.data: must be at most 64 bytes/),
    });
    await t.settle();
    expect(await t.w.admin('telegram.groups.list', {})).not.toContainEqual(
      expect.objectContaining({ chatId: chat.id }),
    );
    expect(welcomes(chat.id)).toEqual([]);
    // The update id was not marked as seen: the genuine update with it is handled.
    const genuine = myChatMember(t.api, chat, OWNER, { old: 'left', new: 'member' }, id);
    expect((await t.post(genuine)).body).toEqual({ ok: true });
  });

  it('refuses a wrong secret in the body every other refusal has', async () => {
    const r = await deliver(t.w.base, { update_id: updateId() }, 'guess');
    expect(r.status).toBe(401);
    expect(r.body).toMatchObject({
      ok: false,
      code: 'UNAUTHENTICATED',
      message: expect.stringMatching(/X-Telegram-Bot-Api-Secret-Token header is missing or wrong/),
      error: { code: 'UNAUTHENTICATED' },
    });
  });

  it('keeps the bot token to head office: settings show it masked, branch PCs cannot ask', async () => {
    const settings = await t.w.admin('telegram.settings.get', {});
    expect(settings.tokenMasked).toMatch(/^123456789:•+6789$/);
    expect(JSON.stringify(settings)).not.toContain('AAHfake');
    const shop = await t.w.enroll('SH01');
    await expect(shop.as('shop1')('telegram.linkCode', {})).rejects.toThrow(/head office/);
    await expect(shop.as('shop1')('telegram.settings.get', {})).rejects.toThrow(/may not/);
    await expect(t.w.admin('telegram.settings.set', { token: 'nonsense' })).rejects.toThrow(
      /BotFather/,
    );
    await expect(
      t.w.admin('telegram.settings.set', { token: '999:AAHnotKnownToTheFakeApi_0000000000' }),
    ).rejects.toThrow(/does not know this token/);
  });
});
