// Admin: the Telegram bot at head office — its token and public address (and whether Telegram
// accepted the webhook), the groups the bot was added to and what each follows, and the log of
// notifications sent. A branch PC has no bot: it says so once.
import { useState } from 'react';
import { useAction, useClient, useQuery } from '../../app-context';
import type { InputOf, OutputOf } from '../../client';
import { ErrorBanner, Notice } from '../../components/Banner';
import { TextField } from '../../components/Field';
import { PAGE_SIZE, Pager } from '../../components/Pager';
import { isCode } from '../../errors';
import { count, dateTime } from '../../format';

type Settings = OutputOf<'telegram.settings.get'>;
type Group = OutputOf<'telegram.groups.list'>[number];
type Branch = OutputOf<'branches.list'>[number];
type LogStatus = NonNullable<InputOf<'telegram.log.list'>['status']>;

const statusLabel: Record<LogStatus, string> = {
  waiting_for_token: 'Waiting for a token',
  pending: 'Pending',
  sending: 'Sending',
  sent: 'Sent',
  failed: 'Failed',
};
const statusBadge: Record<LogStatus, string> = {
  waiting_for_token: 'status-slip_attached',
  pending: 'status-placed',
  sending: 'status-dispatched',
  sent: 'status-delivered',
  failed: 'status-cancelled',
};
const logStatuses = Object.keys(statusLabel) as LogStatus[];

export function Telegram() {
  const client = useClient();
  const settings = useQuery(() => client.call('telegram.settings.get', {}), []);
  const branches = useQuery(() => client.call('branches.list', {}), []);
  // Every Telegram operation gives the same answer on a branch PC: say it once.
  const notHeadOffice = isCode(settings.error, 'INVALID_STATE');

  return (
    <div className="screen">
      <header className="screen-head">
        <h1>Telegram</h1>
        <p className="muted">
          The bot that posts each order’s card to its shop’s and factory’s groups and lets finance
          verify payments.
        </p>
      </header>
      {notHeadOffice ? (
        <section className="panel">
          {settings.error instanceof Error && <Notice kind="info">{settings.error.message}</Notice>}
        </section>
      ) : (
        <>
          <SettingsPanel
            settings={settings.data}
            error={settings.error}
            onSaved={() => settings.reload()}
          />
          <Groups branches={branches.data ?? []} />
          <Log />
        </>
      )}
    </div>
  );
}

function SettingsPanel(props: { settings: Settings | undefined; error: unknown; onSaved(): void }) {
  const client = useClient();
  const s = props.settings;
  const [token, setToken] = useState('');
  const [publicUrl, setPublicUrl] = useState<string | null>(null);
  const [saved, setSaved] = useState<Settings | null>(null);
  const save = useAction();
  const shown = saved ?? s;
  const url = publicUrl ?? s?.publicUrl ?? '';

  return (
    <section className="panel">
      <h2>Bot settings</h2>
      <ErrorBanner error={props.error} />
      {shown && (
        <dl className="facts">
          <dt>Bot token</dt>
          <dd className="mono">{shown.tokenMasked ?? 'not set'}</dd>
          <dt>Bot</dt>
          <dd>{shown.botUsername ? `@${shown.botUsername}` : '—'}</dd>
          <dt>Public address</dt>
          <dd>{shown.publicUrl ?? 'not set'}</dd>
          <dt>Webhook</dt>
          <dd>
            {shown.webhookUrl ? <span className="mono">{shown.webhookUrl}</span> : 'not set up'}
            {shown.webhookUrl &&
              (shown.webhookSetAt
                ? ` — accepted by Telegram ${dateTime(shown.webhookSetAt)}`
                : shown.webhook?.nextAttemptAt
                  ? ` — not accepted by Telegram yet; trying again ${dateTime(shown.webhook.nextAttemptAt)}`
                  : ' — not accepted by Telegram yet')}
          </dd>
          {shown.webhook && shown.webhookSetAt && (
            <>
              <dt>Updates waiting at Telegram</dt>
              <dd>
                {count(shown.webhook.pendingUpdateCount)}
                {shown.webhook.lastErrorMessage && shown.webhook.lastErrorAt && (
                  <span className="negative">
                    {' '}
                    — Telegram could not deliver to this server{' '}
                    {dateTime(shown.webhook.lastErrorAt)}: {shown.webhook.lastErrorMessage}
                  </span>
                )}
                {shown.webhook.checkedAt > 0 && (
                  <span className="muted"> (asked {dateTime(shown.webhook.checkedAt)})</span>
                )}
              </dd>
            </>
          )}
          {shown.paused && (
            <>
              <dt>Sending</dt>
              <dd className="negative">Paused. {shown.paused}</dd>
            </>
          )}
          {shown.lastError && (
            <>
              <dt>Last problem</dt>
              <dd className="negative">{shown.lastError}</dd>
            </>
          )}
          <dt>Waiting to send</dt>
          <dd>
            {count(shown.outbox.waiting)} waiting · {count(shown.outbox.failed)} failed
          </dd>
        </dl>
      )}
      <form
        aria-label="Bot settings"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void save
            .run(() =>
              client.call('telegram.settings.set', {
                ...(token.trim() ? { token: token.trim() } : {}),
                publicUrl: url.trim() || null,
              }),
            )
            .then((r) => {
              if (!r) return;
              setSaved(r);
              setToken('');
              props.onSaved();
            });
        }}
      >
        <ErrorBanner error={save.error} shown={['token', 'publicUrl']} />
        <div className="form-grid">
          <TextField
            label="New bot token"
            name="token"
            error={save.error}
            hint="From BotFather; leave empty to keep the current one."
            type="password"
            autoComplete="off"
            placeholder="123456789:AAH…"
            value={token}
            onChange={setToken}
          />
          <TextField
            label="Public address"
            name="publicUrl"
            error={save.error}
            hint="The https address Telegram reaches this server at."
            autoComplete="off"
            placeholder="https://erp.example.com"
            value={url}
            onChange={setPublicUrl}
          />
        </div>
        <div className="form-actions">
          <button type="submit" className="btn primary" disabled={save.busy}>
            {save.busy ? 'Saving…' : 'Save settings'}
          </button>
        </div>
      </form>
      {saved && !save.error && (
        <Notice kind={saved.lastError ? 'warning' : 'success'}>
          {saved.lastError
            ? `Saved, but Telegram said: ${saved.lastError}`
            : saved.webhookSetAt
              ? 'Saved. Telegram accepted the webhook.'
              : 'Saved.'}
        </Notice>
      )}
    </section>
  );
}

/** A group's link as one select value: `branch:<id>`, `finance`, or empty. */
const linkValue = (g: Group): string =>
  g.role === 'finance' ? 'finance' : g.branchId ? `branch:${g.branchId}` : '';

function Groups({ branches }: { branches: Branch[] }) {
  const client = useClient();
  const groups = useQuery(() => client.call('telegram.groups.list', {}), []);
  const [choice, setChoice] = useState<Record<number, string>>({});
  const [message, setMessage] = useState<string | null>(null);
  const link = useAction();

  const linkedTo = (g: Group): string =>
    g.role === 'finance'
      ? 'Finance'
      : g.branchId
        ? (branches.find((b) => b.id === g.branchId)?.name ?? g.branchId)
        : '—';

  const save = async (g: Group) => {
    const value = choice[g.chatId] ?? linkValue(g);
    const r = await link.run(() =>
      client.call('telegram.groups.link', {
        chatId: g.chatId,
        branchId: value.startsWith('branch:') ? value.slice('branch:'.length) : null,
        role: value === 'finance' ? 'finance' : null,
      }),
    );
    if (r) {
      setMessage(`${g.title}: ${value ? `linked to ${linkedTo(r)}` : 'unlinked'}.`);
      groups.reload();
    }
  };

  return (
    <section className="panel">
      <h2>Groups</h2>
      <p className="muted">
        Groups the bot was added to. Link each to the branch whose orders it follows, or to finance.
      </p>
      {message && <Notice kind="success">{message}</Notice>}
      <ErrorBanner error={groups.error ?? link.error} />
      {groups.data && groups.data.length === 0 && (
        <p className="muted">No groups yet: add the bot to a Telegram group first.</p>
      )}
      {groups.data && groups.data.length > 0 && (
        <table className="table compact">
          <thead>
            <tr>
              <th>Group</th>
              <th>Type</th>
              <th>State</th>
              <th>Linked to</th>
              <th className="actions-col">Link to…</th>
            </tr>
          </thead>
          <tbody>
            {groups.data.map((g) => (
              <tr key={g.chatId} className={g.active ? undefined : 'muted'}>
                <td className="strong">{g.title}</td>
                <td>{g.type}</td>
                <td>
                  {g.active ? (
                    <span className="badge status-delivered">Active</span>
                  ) : (
                    <>
                      <span className="badge status-cancelled">
                        Removed{g.removedAt ? ` ${dateTime(g.removedAt)}` : ''}
                      </span>
                      {g.removedReason && <div className="muted">{g.removedReason}</div>}
                    </>
                  )}
                </td>
                <td>{linkedTo(g)}</td>
                <td className="actions-col">
                  <select
                    aria-label={`Link ${g.title} to`}
                    value={choice[g.chatId] ?? linkValue(g)}
                    onChange={(e) => setChoice((c) => ({ ...c, [g.chatId]: e.target.value }))}
                  >
                    <option value="">Nothing (unlink)</option>
                    <option value="finance">Finance</option>
                    {branches.map((b) => (
                      <option key={b.id} value={`branch:${b.id}`}>
                        {b.name} ({b.code})
                      </option>
                    ))}
                  </select>{' '}
                  <button
                    type="button"
                    className="btn small"
                    disabled={link.busy}
                    onClick={() => void save(g)}
                  >
                    Link
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function Log() {
  const client = useClient();
  const [status, setStatus] = useState<LogStatus | ''>('');
  const [offset, setOffset] = useState(0);
  const log = useQuery(
    () =>
      client.call('telegram.log.list', {
        ...(status ? { status } : {}),
        limit: PAGE_SIZE + 1,
        offset,
      }),
    [status, offset],
  );
  const rows = (log.data ?? []).slice(0, PAGE_SIZE);

  return (
    <section className="panel">
      <div className="toolbar">
        <h2>Notifications</h2>
        <span className="grow" />
        <label>
          Status{' '}
          <select
            value={status}
            onChange={(e) => {
              setStatus(e.target.value as LogStatus | '');
              setOffset(0);
            }}
          >
            <option value="">All</option>
            {logStatuses.map((s) => (
              <option key={s} value={s}>
                {statusLabel[s]}
              </option>
            ))}
          </select>
        </label>
      </div>
      <ErrorBanner error={log.error} />
      <table className="table compact">
        <thead>
          <tr>
            <th>When</th>
            <th>Order</th>
            <th>Kind</th>
            <th>Cause</th>
            <th>Status</th>
            <th className="num">Attempts</th>
            <th>Error</th>
            <th>Message ids</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((n) => (
            <tr key={n.id}>
              <td>{dateTime(n.createdAt)}</td>
              <td className="mono">{n.orderNumber ?? '—'}</td>
              <td>
                {n.kind}
                {n.document ? ` (${n.document})` : ''}
              </td>
              <td>{n.cause}</td>
              <td>
                <span className={`badge ${statusBadge[n.status]}`}>{statusLabel[n.status]}</span>
              </td>
              <td className="num">{count(n.attempts)}</td>
              <td className={n.error ? 'negative' : undefined}>{n.error ?? '—'}</td>
              <td className="mono">{n.messageIds.join(', ') || '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <Pager
        offset={offset}
        shown={rows.length}
        hasMore={(log.data?.length ?? 0) > PAGE_SIZE}
        onOffset={setOffset}
        noun="notifications"
      />
    </section>
  );
}
