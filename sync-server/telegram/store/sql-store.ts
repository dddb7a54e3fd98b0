// The Telegram store over SQL that SQLite and PostgreSQL both speak (ON CONFLICT, RETURNING).
// Each method is one statement, or one transaction (`batch`), so several processes sharing a
// PostgreSQL database never see half of a change.
import { z } from 'zod';
import type { GroupRole, TelegramGroup } from '../../../core/telegram/service';
import {
  anchorRow,
  chatFree,
  chatPaceRow,
  due,
  groupColumns,
  groupRow,
  laneOf,
  outboxColumns,
  outboxDbRow,
  toGroup,
  toOutbox,
} from './sql-rows';
import type {
  Anchor,
  ChatPace,
  NewOutboxRow,
  OutboxFilter,
  OutboxResult,
  OutboxRow,
  TelegramStore,
} from './types';

export { laneOf } from './sql-rows';

export type Statement = [sql: string, params: unknown[]];

/**
 * One database connection (or pool): statements use $1, $2… placeholders. Rows are parsed by
 * the zod schema `row` the caller passes (core/db/rows.ts), so a renamed column fails where read.
 */
export interface SqlDriver {
  readonly kind: 'sqlite' | 'postgres';
  all<S extends z.ZodType>(row: S, sql: string, params?: unknown[]): Promise<z.output<S>[]>;
  run(sql: string, params?: unknown[]): Promise<number>;
  /** Runs the statements in one transaction; answers rows changed and, given `row`, the rows of the last. */
  batch(statements: Statement[]): Promise<{ changes: number }>;
  batch<S extends z.ZodType>(
    statements: Statement[],
    row: S,
  ): Promise<{ rows: z.output<S>[]; changes: number }>;
  /** Statements that make claiming one-at-a-time across processes (an advisory lock). */
  readonly claimLock: Statement[];
  close(): Promise<void>;
}

export class SqlTelegramStore implements TelegramStore {
  readonly kind: 'sqlite' | 'postgres';
  constructor(private readonly sql: SqlDriver) {
    this.kind = sql.kind;
  }

  async setting(key: string): Promise<string | null> {
    const rows = await this.sql.all(
      z.object({ value: z.string() }),
      'SELECT value FROM telegram_settings WHERE key = $1',
      [key],
    );
    return rows[0]?.value ?? null;
  }

  async setSetting(key: string, value: string | null): Promise<void> {
    if (value === null) await this.sql.run('DELETE FROM telegram_settings WHERE key = $1', [key]);
    else
      await this.sql.run(
        `INSERT INTO telegram_settings (key, value) VALUES ($1, $2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
        [key, value],
      );
  }

  async initSetting(key: string, value: string): Promise<string> {
    await this.sql.run(
      'INSERT INTO telegram_settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING',
      [key, value],
    );
    return (await this.setting(key)) ?? value;
  }

  async cursor(): Promise<number> {
    const rows = await this.sql.all(
      z.object({ seq: z.number() }),
      `SELECT seq FROM telegram_cursor WHERE name = 'orders'`,
    );
    return rows[0]?.seq ?? 0;
  }

  async advanceCursor(seq: number): Promise<void> {
    await this.sql.run(
      `INSERT INTO telegram_cursor (name, seq) VALUES ('orders', $1) ON CONFLICT (name)
       DO UPDATE SET seq = CASE WHEN excluded.seq > telegram_cursor.seq THEN excluded.seq ELSE telegram_cursor.seq END`,
      [seq],
    );
  }

  async recordUpdate(updateId: number, at: number): Promise<boolean> {
    const added = await this.sql.run(
      `INSERT INTO telegram_updates (update_id, received_at) VALUES ($1, $2) ON CONFLICT (update_id) DO NOTHING`,
      [updateId, at],
    );
    return added === 1;
  }

  async forgetUpdate(updateId: number): Promise<void> {
    await this.sql.run('DELETE FROM telegram_updates WHERE update_id = $1', [updateId]);
  }

  async pruneUpdates(before: number): Promise<void> {
    await this.sql.run('DELETE FROM telegram_updates WHERE received_at < $1', [before]);
  }

  async saveGroup(g: { chatId: number; title: string; type: string }, at: number): Promise<void> {
    await this.sql.run(
      `INSERT INTO telegram_groups (chat_id, title, type, active, added_at) VALUES ($1, $2, $3, 1, $4)
       ON CONFLICT (chat_id) DO UPDATE SET title = excluded.title, type = excluded.type, active = 1,
         added_at = CASE WHEN telegram_groups.active = 1 THEN telegram_groups.added_at ELSE excluded.added_at END,
         removed_at = NULL, removed_reason = NULL`,
      [g.chatId, g.title, g.type, at],
    );
  }

  async deactivateGroup(chatId: number, at: number, reason?: string): Promise<void> {
    await this.sql.run(
      `UPDATE telegram_groups SET active = 0, removed_at = $2, removed_reason = $3
       WHERE chat_id = $1 AND active = 1`,
      [chatId, at, reason ?? null],
    );
  }

  async migrateGroup(from: number, to: number): Promise<void> {
    await this.sql.batch([
      [
        `INSERT INTO telegram_groups (chat_id, title, type, active, added_at, branch_id, role)
         SELECT CAST($2 AS bigint), title, 'supergroup', 1, added_at, branch_id, role FROM telegram_groups WHERE chat_id = $1
         ON CONFLICT (chat_id) DO UPDATE SET branch_id = excluded.branch_id, role = excluded.role, active = 1,
           removed_at = NULL, removed_reason = NULL`,
        [from, to],
      ],
      [
        `UPDATE telegram_groups SET active = 0, branch_id = NULL, role = NULL,
           removed_reason = 'It became a supergroup with a new chat id; its link moved there.'
         WHERE chat_id = $1`,
        [from],
      ],
      // The old group's messages cannot be edited from the new one: its cards start again.
      ['DELETE FROM telegram_anchors WHERE chat_id = $1', [from]],
      [
        `UPDATE telegram_outbox SET chat_id = $2, lane = REPLACE(lane, $3, $4), uncertain_after = NULL
         WHERE chat_id = $1 AND status IN ('pending', 'sending')`,
        [from, to, `:${from}`, `:${to}`],
      ],
    ]);
  }

  async groups(): Promise<TelegramGroup[]> {
    const rows = await this.sql.all(
      groupRow,
      `SELECT ${groupColumns} FROM telegram_groups ORDER BY active DESC, title, chat_id`,
    );
    return rows.map(toGroup);
  }

  async group(chatId: number): Promise<TelegramGroup | null> {
    const rows = await this.sql.all(
      groupRow,
      `SELECT ${groupColumns} FROM telegram_groups WHERE chat_id = $1`,
      [chatId],
    );
    return rows[0] ? toGroup(rows[0]) : null;
  }

  async linkGroup(
    chatId: number,
    link: { branchId: string | null; role: GroupRole | null },
  ): Promise<void> {
    const release: Statement[] = [];
    if (link.branchId)
      release.push([
        'UPDATE telegram_groups SET branch_id = NULL WHERE branch_id = $1 AND chat_id <> $2',
        [link.branchId, chatId],
      ]);
    if (link.role)
      release.push([
        'UPDATE telegram_groups SET role = NULL WHERE role = $1 AND chat_id <> $2',
        [link.role, chatId],
      ]);
    await this.sql.batch([
      ...release,
      [
        'UPDATE telegram_groups SET branch_id = $2, role = $3 WHERE chat_id = $1',
        [chatId, link.branchId, link.role],
      ],
    ]);
  }

  async createLinkCode(c: { codeHash: string; userId: string; expiresAt: number }): Promise<void> {
    await this.sql.run(
      'INSERT INTO telegram_link_codes (code_hash, user_id, expires_at) VALUES ($1, $2, $3)',
      [c.codeHash, c.userId, c.expiresAt],
    );
  }

  async takeLinkCode(codeHash: string, now: number): Promise<string | null> {
    const rows = await this.sql.all(
      z.object({ userId: z.string() }),
      `UPDATE telegram_link_codes SET used_at = $2
       WHERE code_hash = $1 AND used_at IS NULL AND expires_at > $2 RETURNING user_id AS "userId"`,
      [codeHash, now],
    );
    return rows[0]?.userId ?? null;
  }

  async linkUser(l: { telegramUserId: number; userId: string; name: string; at: number }) {
    // One Telegram account per person: linking again moves the link.
    await this.sql.batch([
      ['DELETE FROM telegram_users WHERE user_id = $1', [l.userId]],
      [
        `INSERT INTO telegram_users (telegram_user_id, user_id, name, linked_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (telegram_user_id) DO UPDATE SET user_id = excluded.user_id, name = excluded.name,
           linked_at = excluded.linked_at`,
        [l.telegramUserId, l.userId, l.name, l.at],
      ],
    ]);
  }

  async linkedUser(telegramUserId: number): Promise<string | null> {
    const rows = await this.sql.all(
      z.object({ userId: z.string() }),
      'SELECT user_id AS "userId" FROM telegram_users WHERE telegram_user_id = $1',
      [telegramUserId],
    );
    return rows[0]?.userId ?? null;
  }

  async enqueue(rows: NewOutboxRow[], now: number): Promise<number> {
    if (rows.length === 0) return 0;
    const { changes } = await this.sql.batch(
      rows.map((r): Statement => [
        `INSERT INTO telegram_outbox (key, lane, event_seq, order_id, order_number, chat_id, kind, document,
           audience, cause, text, status, attempts, next_at, message_ids, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'pending', 0, $12, '[]', $12, $12)
         ON CONFLICT (key) DO NOTHING`,
        [
          r.key,
          laneOf(r),
          r.eventSeq,
          r.orderId,
          r.orderNumber,
          r.chatId,
          r.kind,
          r.document,
          r.audience,
          r.cause,
          r.text,
          now,
        ],
      ]),
    );
    return changes;
  }

  async claim(owner: string, now: number, leaseMs: number, maxSeq: number, token: number) {
    const { rows } = await this.sql.batch(
      [
        ...this.sql.claimLock,
        // The fence keeps the newest sender token any claim used (docs/decisions/0019).
        [
          `INSERT INTO telegram_fences (name, token) VALUES ('sender', $1) ON CONFLICT (name)
           DO UPDATE SET token = excluded.token WHERE telegram_fences.token < excluded.token`,
          [token],
        ],
        [
          `UPDATE telegram_outbox SET status = 'sending', claimed_by = $1, claimed_until = $2,
           attempts = attempts + 1, updated_at = $3
         WHERE id = (
           SELECT o.id FROM telegram_outbox o
           WHERE ${due('o')} AND o.event_seq <= $4 AND ${chatFree('o')}
             AND NOT EXISTS (SELECT 1 FROM telegram_outbox p
               WHERE p.lane = o.lane AND p.id < o.id AND p.status IN ('pending', 'sending'))
           ORDER BY o.id LIMIT 1)
         AND ${due('telegram_outbox')}
         AND EXISTS (SELECT 1 FROM telegram_fences WHERE name = 'sender' AND token = $5)
         RETURNING ${outboxColumns}`,
          [owner, now + leaseMs, now, maxSeq, token],
        ],
      ],
      outboxDbRow,
    );
    return rows[0] ? toOutbox(rows[0]) : null;
  }

  async finish(id: number, owner: string, r: OutboxResult, now: number): Promise<boolean> {
    const newest = r.messageIds?.length ? Math.max(...r.messageIds) : null;
    const rows = await this.sql.all(
      z.object({ chatId: z.number() }),
      `UPDATE telegram_outbox SET status = $3, error = $4, next_at = $5, updated_at = $6,
           sent_at = CASE WHEN $3 = 'sent' THEN $6 ELSE sent_at END,
           message_ids = COALESCE($7, message_ids), claimed_by = NULL, claimed_until = NULL,
           uncertain_after = CASE WHEN $8 = 1 THEN $9 ELSE uncertain_after END
         WHERE id = $1 AND claimed_by = $2 AND status = 'sending' RETURNING chat_id AS "chatId"`,
      [
        id,
        owner,
        r.status,
        r.error,
        r.nextAt ?? now,
        now,
        r.messageIds ? JSON.stringify(r.messageIds) : null,
        r.uncertainAfter === undefined ? 0 : 1,
        r.uncertainAfter ?? null,
      ],
    );
    const chatId = rows[0]?.chatId;
    if (chatId !== undefined && (r.chatNextAt !== undefined || newest !== null))
      await this.sql.run(
        `INSERT INTO telegram_chats (chat_id, next_at, last_message_id) VALUES ($1, $2, $3)
         ON CONFLICT (chat_id) DO UPDATE SET
           next_at = CASE WHEN excluded.next_at > telegram_chats.next_at
             THEN excluded.next_at ELSE telegram_chats.next_at END,
           last_message_id = CASE WHEN telegram_chats.last_message_id IS NULL
             OR excluded.last_message_id > telegram_chats.last_message_id
             THEN excluded.last_message_id ELSE telegram_chats.last_message_id END`,
        [chatId, r.chatNextAt ?? 0, newest],
      );
    return chatId !== undefined;
  }

  async noteSent(id: number, owner: string, messageIds: number[]): Promise<void> {
    await this.sql.run(
      `UPDATE telegram_outbox SET message_ids = $3
       WHERE id = $1 AND claimed_by = $2 AND status = 'sending'`,
      [id, owner, JSON.stringify(messageIds)],
    );
  }

  async failChat(chatId: number, error: string, now: number): Promise<number> {
    return this.sql.run(
      `UPDATE telegram_outbox SET status = 'failed', error = $2, updated_at = $3
       WHERE chat_id = $1 AND status = 'pending'`,
      [chatId, error, now],
    );
  }

  async chatPace(chatId: number): Promise<ChatPace | null> {
    const rows = await this.sql.all(
      chatPaceRow,
      `SELECT chat_id AS "chatId", next_at AS "nextAt", last_message_id AS "lastMessageId"
       FROM telegram_chats WHERE chat_id = $1`,
      [chatId],
    );
    return rows[0] ?? null;
  }

  async knownMessageIds(chatId: number, since: number): Promise<Set<number>> {
    const anchors = await this.sql.all(
      z.object({ id: z.number() }),
      'SELECT message_id AS id FROM telegram_anchors WHERE chat_id = $1',
      [chatId],
    );
    const rows = await this.sql.all(
      z.object({ ids: z.string() }),
      'SELECT message_ids AS ids FROM telegram_outbox WHERE chat_id = $1 AND updated_at >= $2',
      [chatId, since],
    );
    return new Set([
      ...anchors.map((a) => Number(a.id)),
      ...rows.flatMap((r) => JSON.parse(r.ids) as number[]),
    ]);
  }

  async recentRow(prefix: string, since: number): Promise<boolean> {
    // Keys are ours (ids and numbers, no LIKE wildcards): a plain prefix match.
    const rows = await this.sql.all(
      z.object({ n: z.number() }),
      `SELECT COUNT(*) AS n FROM telegram_outbox WHERE SUBSTR(key, 1, $3) = $1
         AND (created_at >= $2 OR status IN ('pending', 'sending'))`,
      [prefix, since, prefix.length],
    );
    return Number(rows[0]?.n ?? 0) > 0;
  }

  async release(owner: string | null): Promise<void> {
    await this.sql.run(
      `UPDATE telegram_outbox SET status = 'pending', claimed_by = NULL, claimed_until = NULL
       WHERE status = 'sending' AND ($1 = '*' OR claimed_by = $1)`,
      [owner ?? '*'],
    );
  }

  async nextDue(maxSeq: number): Promise<number | null> {
    const rows = await this.sql.all(
      z.object({ at: z.number().nullable() }),
      `SELECT MIN(CASE WHEN status = 'pending' THEN next_at ELSE claimed_until END) AS at
       FROM telegram_outbox WHERE status IN ('pending', 'sending') AND event_seq <= $1`,
      [maxSeq],
    );
    return rows[0]?.at ?? null;
  }

  async outbox(f: OutboxFilter): Promise<OutboxRow[]> {
    const rows = await this.sql.all(
      outboxDbRow,
      `SELECT ${outboxColumns} FROM telegram_outbox
       WHERE ($1 = '' OR order_id = $1) AND ($2 = '' OR status = $2)
       ORDER BY id DESC LIMIT $3 OFFSET $4`,
      [f.orderId ?? '', f.status ?? '', f.limit, f.offset],
    );
    return rows.map(toOutbox);
  }

  async counts(): Promise<{ pending: number; failed: number }> {
    const rows = await this.sql.all(
      z.object({ status: z.string(), n: z.number() }),
      `SELECT status, COUNT(*) AS n FROM telegram_outbox WHERE status <> 'sent' GROUP BY status`,
    );
    const n = (s: string) => Number(rows.find((r) => r.status === s)?.n ?? 0);
    return { pending: n('pending') + n('sending'), failed: n('failed') };
  }

  async anchor(orderId: string, chatId: number): Promise<Anchor | null> {
    const rows = await this.sql.all(
      anchorRow,
      `SELECT order_id AS "orderId", chat_id AS "chatId", message_id AS "messageId", text, markup,
         updated_at AS "updatedAt" FROM telegram_anchors WHERE order_id = $1 AND chat_id = $2`,
      [orderId, chatId],
    );
    return rows[0] ?? null;
  }

  async saveAnchor(a: Anchor): Promise<void> {
    await this.sql.run(
      `INSERT INTO telegram_anchors (order_id, chat_id, message_id, text, markup, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (order_id, chat_id) DO UPDATE SET
         message_id = excluded.message_id, text = excluded.text, markup = excluded.markup,
         updated_at = excluded.updated_at`,
      [a.orderId, a.chatId, a.messageId, a.text, a.markup, a.updatedAt],
    );
  }

  async dropAnchor(orderId: string, chatId: number): Promise<void> {
    await this.sql.run('DELETE FROM telegram_anchors WHERE order_id = $1 AND chat_id = $2', [
      orderId,
      chatId,
    ]);
  }

  close(): Promise<void> {
    return this.sql.close();
  }
}
