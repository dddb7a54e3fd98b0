// The Telegram store over SQL that SQLite and PostgreSQL both speak (ON CONFLICT, RETURNING).
// Each method is one statement, or one transaction (`batch`), so several processes sharing a
// PostgreSQL database never see half of a change.
import type { TelegramGroup } from '../../../core/telegram/service';
import type {
  Anchor,
  NewOutboxRow,
  OutboxFilter,
  OutboxResult,
  OutboxRow,
  TelegramStore,
} from './types';

export type Statement = [sql: string, params: unknown[]];

/** One database connection (or pool): statements use $1, $2… placeholders. */
export interface SqlDriver {
  readonly kind: 'sqlite' | 'postgres';
  all<T>(sql: string, params?: unknown[]): Promise<T[]>;
  run(sql: string, params?: unknown[]): Promise<number>;
  /** Runs the statements in one transaction; answers the rows of the last, and rows changed. */
  batch<T>(statements: Statement[]): Promise<{ rows: T[]; changes: number }>;
  /** Statements that make claiming one-at-a-time across processes (an advisory lock). */
  readonly claimLock: Statement[];
  close(): Promise<void>;
}

const groupColumns = `chat_id AS "chatId", title, type, active, added_at AS "addedAt",
  removed_at AS "removedAt", branch_id AS "branchId", role`;

const outboxColumns = `id, key, lane, event_seq AS "eventSeq", order_id AS "orderId",
  order_number AS "orderNumber", chat_id AS "chatId", kind, document, audience, cause, text,
  status, attempts, next_at AS "nextAt", claimed_by AS "claimedBy", claimed_until AS "claimedUntil",
  error, message_ids AS "messageIds", created_at AS "createdAt", updated_at AS "updatedAt",
  sent_at AS "sentAt"`;

type GroupRow = Omit<TelegramGroup, 'active' | 'role'> & { active: number; role: string | null };
type OutboxDbRow = Omit<OutboxRow, 'messageIds'> & { messageIds: string };

const toGroup = (r: GroupRow): TelegramGroup => ({
  ...r,
  active: r.active === 1,
  role: r.role === 'finance' ? 'finance' : null,
});
const toOutbox = (r: OutboxDbRow): OutboxRow => ({
  ...r,
  messageIds: JSON.parse(r.messageIds) as number[],
});

export const laneOf = (row: Pick<NewOutboxRow, 'orderId' | 'chatId'>) =>
  row.orderId ? `order:${row.orderId}:${row.chatId}` : `chat:${row.chatId}`;

/** A row is due when pending and its time has come, or claimed by a process whose lease ran out. */
const due = (o: string) =>
  `((${o}.status = 'pending' AND ${o}.next_at <= $3) OR (${o}.status = 'sending' AND ${o}.claimed_until < $3))`;

export class SqlTelegramStore implements TelegramStore {
  readonly kind: 'sqlite' | 'postgres';
  constructor(private readonly sql: SqlDriver) {
    this.kind = sql.kind;
  }

  async setting(key: string): Promise<string | null> {
    const rows = await this.sql.all<{ value: string }>(
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
    const rows = await this.sql.all<{ seq: number }>(
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
         removed_at = NULL`,
      [g.chatId, g.title, g.type, at],
    );
  }

  async deactivateGroup(chatId: number, at: number): Promise<void> {
    await this.sql.run(
      'UPDATE telegram_groups SET active = 0, removed_at = $2 WHERE chat_id = $1 AND active = 1',
      [chatId, at],
    );
  }

  async migrateGroup(from: number, to: number): Promise<void> {
    await this.sql.batch([
      [
        `INSERT INTO telegram_groups (chat_id, title, type, active, added_at, branch_id, role)
         SELECT CAST($2 AS bigint), title, 'supergroup', 1, added_at, branch_id, role FROM telegram_groups WHERE chat_id = $1
         ON CONFLICT (chat_id) DO UPDATE SET branch_id = excluded.branch_id, role = excluded.role, active = 1`,
        [from, to],
      ],
      [
        'UPDATE telegram_groups SET active = 0, branch_id = NULL, role = NULL WHERE chat_id = $1',
        [from],
      ],
      // The old group's messages cannot be edited from the new one: its cards start again.
      ['DELETE FROM telegram_anchors WHERE chat_id = $1', [from]],
      [
        `UPDATE telegram_outbox SET chat_id = $2, lane = REPLACE(lane, $3, $4)
         WHERE chat_id = $1 AND status IN ('pending', 'sending')`,
        [from, to, `:${from}`, `:${to}`],
      ],
    ]);
  }

  async groups(): Promise<TelegramGroup[]> {
    const rows = await this.sql.all<GroupRow>(
      `SELECT ${groupColumns} FROM telegram_groups ORDER BY active DESC, title, chat_id`,
    );
    return rows.map(toGroup);
  }

  async group(chatId: number): Promise<TelegramGroup | null> {
    const rows = await this.sql.all<GroupRow>(
      `SELECT ${groupColumns} FROM telegram_groups WHERE chat_id = $1`,
      [chatId],
    );
    return rows[0] ? toGroup(rows[0]) : null;
  }

  async linkGroup(
    chatId: number,
    link: { branchId: string | null; role: 'finance' | null },
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
    const rows = await this.sql.all<{ userId: string }>(
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
    const rows = await this.sql.all<{ userId: string }>(
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

  async claim(owner: string, now: number, leaseMs: number, maxSeq: number) {
    const { rows } = await this.sql.batch<OutboxDbRow>([
      ...this.sql.claimLock,
      [
        `UPDATE telegram_outbox SET status = 'sending', claimed_by = $1, claimed_until = $2,
           attempts = attempts + 1, updated_at = $3
         WHERE id = (
           SELECT o.id FROM telegram_outbox o
           WHERE ${due('o')} AND o.event_seq <= $4
             AND NOT EXISTS (SELECT 1 FROM telegram_outbox p
               WHERE p.lane = o.lane AND p.id < o.id AND p.status IN ('pending', 'sending'))
           ORDER BY o.id LIMIT 1)
         AND ${due('telegram_outbox')}
         RETURNING ${outboxColumns}`,
        [owner, now + leaseMs, now, maxSeq],
      ],
    ]);
    return rows[0] ? toOutbox(rows[0]) : null;
  }

  async finish(id: number, owner: string, r: OutboxResult, now: number): Promise<boolean> {
    const changed = await this.sql.run(
      `UPDATE telegram_outbox SET status = $3, error = $4, next_at = $5, updated_at = $6,
         sent_at = CASE WHEN $3 = 'sent' THEN $6 ELSE sent_at END,
         message_ids = COALESCE($7, message_ids), claimed_by = NULL, claimed_until = NULL
       WHERE id = $1 AND claimed_by = $2 AND status = 'sending'`,
      [
        id,
        owner,
        r.status,
        r.error,
        r.nextAt ?? now,
        now,
        r.messageIds ? JSON.stringify(r.messageIds) : null,
      ],
    );
    return changed === 1;
  }

  async lease(name: string, owner: string, now: number, until: number): Promise<boolean> {
    const rows = await this.sql.all<{ owner: string }>(
      `INSERT INTO telegram_leases (name, owner, until) VALUES ($1, $2, $3)
       ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, until = excluded.until
       WHERE telegram_leases.owner = excluded.owner OR telegram_leases.until < $4
       RETURNING owner`,
      [name, owner, until, now],
    );
    return rows.length === 1;
  }

  async release(owner: string | null): Promise<void> {
    await this.sql.run(
      `UPDATE telegram_outbox SET status = 'pending', claimed_by = NULL, claimed_until = NULL
       WHERE status = 'sending' AND ($1 = '*' OR claimed_by = $1)`,
      [owner ?? '*'],
    );
    await this.sql.run(`DELETE FROM telegram_leases WHERE $1 = '*' OR owner = $1`, [owner ?? '*']);
  }

  async nextDue(maxSeq: number): Promise<number | null> {
    const rows = await this.sql.all<{ at: number | null }>(
      `SELECT MIN(CASE WHEN status = 'pending' THEN next_at ELSE claimed_until END) AS at
       FROM telegram_outbox WHERE status IN ('pending', 'sending') AND event_seq <= $1`,
      [maxSeq],
    );
    return rows[0]?.at ?? null;
  }

  async outbox(f: OutboxFilter): Promise<OutboxRow[]> {
    const rows = await this.sql.all<OutboxDbRow>(
      `SELECT ${outboxColumns} FROM telegram_outbox
       WHERE ($1 = '' OR order_id = $1) AND ($2 = '' OR status = $2)
       ORDER BY id DESC LIMIT $3 OFFSET $4`,
      [f.orderId ?? '', f.status ?? '', f.limit, f.offset],
    );
    return rows.map(toOutbox);
  }

  async counts(): Promise<{ pending: number; failed: number }> {
    const rows = await this.sql.all<{ status: string; n: number }>(
      `SELECT status, COUNT(*) AS n FROM telegram_outbox WHERE status <> 'sent' GROUP BY status`,
    );
    const n = (s: string) => Number(rows.find((r) => r.status === s)?.n ?? 0);
    return { pending: n('pending') + n('sending'), failed: n('failed') };
  }

  async anchor(orderId: string, chatId: number): Promise<Anchor | null> {
    const rows = await this.sql.all<Anchor>(
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
