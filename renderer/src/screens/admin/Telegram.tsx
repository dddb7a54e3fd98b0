// Admin: the Telegram bot at head office — its token and public address (and whether Telegram
// accepted the webhook), the groups the bot was added to and what each follows, and the log of
// notifications sent. A branch PC has no bot: it says so once.
import { useState } from 'react';
import { useAction, useClient, useQuery } from '../../app-context';
import type { InputOf, OutputOf } from '../../client';
import { ErrorBanner, Notice } from '../../components/Banner';
import { TextField } from '../../components/Field';
import { PAGE_SIZE, Pager } from '../../components/Pager';
import { bannerMessage, isCode } from '../../errors';
import { count, dateTime } from '../../format';
import { useT } from '../../i18n';

type Settings = OutputOf<'telegram.settings.get'>;
type Group = OutputOf<'telegram.groups.list'>[number];
type Branch = OutputOf<'branches.list'>[number];
type LogStatus = NonNullable<InputOf<'telegram.log.list'>['status']>;

/** Each status's words: ops.json's `telegram.status.<status>`. */
const logStatuses: readonly LogStatus[] = [
  'waiting_for_token',
  'pending',
  'sending',
  'sent',
  'failed',
];
const statusBadge: Record<LogStatus, string> = {
  waiting_for_token: 'status-slip_attached',
  pending: 'status-placed',
  sending: 'status-dispatched',
  sent: 'status-delivered',
  failed: 'status-cancelled',
};

export function Telegram() {
  const t = useT('ops');
  const client = useClient();
  const settings = useQuery(() => client.call('telegram.settings.get', {}), []);
  const branches = useQuery(() => client.call('branches.list', {}), []);
  // Every Telegram operation gives the same answer on a branch PC: say it once.
  const notHeadOffice = isCode(settings.error, 'INVALID_STATE');

  return (
    <div className="screen">
      <header className="screen-head">
        <h1>{t('telegram.title')}</h1>
        <p className="muted">{t('telegram.intro')}</p>
      </header>
      {notHeadOffice ? (
        <section className="panel">
          {settings.error instanceof Error && (
            <Notice kind="info">{bannerMessage(settings.error)}</Notice>
          )}
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
  const t = useT('ops');
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
      <h2>{t('telegram.settings')}</h2>
      <ErrorBanner error={props.error} />
      {shown && (
        <dl className="facts">
          <dt>{t('telegram.token')}</dt>
          <dd className="mono">{shown.tokenMasked ?? t('telegram.notSet')}</dd>
          <dt>{t('telegram.bot')}</dt>
          <dd>{shown.botUsername ? `@${shown.botUsername}` : '—'}</dd>
          <dt>{t('telegram.publicUrl')}</dt>
          <dd>{shown.publicUrl ?? t('telegram.notSet')}</dd>
          <dt>{t('telegram.webhook')}</dt>
          <dd>
            {shown.webhookUrl ? (
              <span className="mono">{shown.webhookUrl}</span>
            ) : (
              t('telegram.notSetUp')
            )}
            {shown.webhookUrl &&
              ` — ${
                shown.webhookSetAt
                  ? t('telegram.accepted', { at: dateTime(shown.webhookSetAt) })
                  : shown.webhook?.nextAttemptAt
                    ? t('telegram.notAcceptedRetry', {
                        at: dateTime(shown.webhook.nextAttemptAt),
                      })
                    : t('telegram.notAccepted')
              }`}
          </dd>
          {shown.webhook && shown.webhookSetAt && (
            <>
              <dt>{t('telegram.pendingUpdates')}</dt>
              <dd>
                {count(shown.webhook.pendingUpdateCount)}
                {shown.webhook.lastErrorMessage && shown.webhook.lastErrorAt && (
                  <span className="negative">
                    {' '}
                    —{' '}
                    {t('telegram.undelivered', {
                      at: dateTime(shown.webhook.lastErrorAt),
                      message: shown.webhook.lastErrorMessage,
                    })}
                  </span>
                )}
                {shown.webhook.checkedAt > 0 && (
                  <span className="muted">
                    {' '}
                    ({t('telegram.asked', { at: dateTime(shown.webhook.checkedAt) })})
                  </span>
                )}
              </dd>
            </>
          )}
          {shown.paused && (
            <>
              <dt>{t('telegram.sending')}</dt>
              <dd className="negative">
                {t('telegram.paused')} {shown.paused}
              </dd>
            </>
          )}
          {shown.lastError && (
            <>
              <dt>{t('telegram.lastProblem')}</dt>
              <dd className="negative">{shown.lastError}</dd>
            </>
          )}
          <dt>{t('telegram.waitingToSend')}</dt>
          <dd>
            {t('telegram.outbox', {
              waiting: count(shown.outbox.waiting),
              failed: count(shown.outbox.failed),
            })}
          </dd>
        </dl>
      )}
      <form
        aria-label={t('telegram.settings')}
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
            label={t('telegram.newToken')}
            name="token"
            error={save.error}
            hint={t('telegram.newTokenHint')}
            type="password"
            autoComplete="off"
            placeholder="123456789:AAH…"
            value={token}
            onChange={setToken}
          />
          <TextField
            label={t('telegram.publicUrl')}
            name="publicUrl"
            error={save.error}
            hint={t('telegram.publicUrlHint')}
            autoComplete="off"
            placeholder="https://erp.example.com"
            value={url}
            onChange={setPublicUrl}
          />
        </div>
        <div className="form-actions">
          <button type="submit" className="btn primary" disabled={save.busy}>
            {save.busy ? t('telegram.saving') : t('telegram.save')}
          </button>
        </div>
      </form>
      {saved && !save.error && (
        <Notice kind={saved.lastError ? 'warning' : 'success'}>
          {saved.lastError
            ? t('telegram.savedButError', { message: saved.lastError })
            : saved.webhookSetAt
              ? t('telegram.savedAccepted')
              : t('telegram.saved')}
        </Notice>
      )}
    </section>
  );
}

/** A group's link as one select value: `branch:<id>`, `finance`, `purchasing`, or empty. */
const linkValue = (g: Group): string => g.role ?? (g.branchId ? `branch:${g.branchId}` : '');

function Groups({ branches }: { branches: Branch[] }) {
  const t = useT('ops');
  const client = useClient();
  const groups = useQuery(() => client.call('telegram.groups.list', {}), []);
  const [choice, setChoice] = useState<Record<number, string>>({});
  const [message, setMessage] = useState<string | null>(null);
  const link = useAction();

  const linkedTo = (g: Group): string =>
    g.role
      ? t(`telegram.${g.role}`)
      : g.branchId
        ? (branches.find((b) => b.id === g.branchId)?.name ?? g.branchId)
        : '—';

  const save = async (g: Group) => {
    const value = choice[g.chatId] ?? linkValue(g);
    const r = await link.run(() =>
      client.call('telegram.groups.link', {
        chatId: g.chatId,
        branchId: value.startsWith('branch:') ? value.slice('branch:'.length) : null,
        role: value === 'finance' || value === 'purchasing' ? value : null,
      }),
    );
    if (r) {
      setMessage(
        value
          ? t('telegram.linked', { group: g.title, to: linkedTo(r) })
          : t('telegram.unlinked', { group: g.title }),
      );
      groups.reload();
    }
  };

  return (
    <section className="panel">
      <h2>{t('telegram.groups')}</h2>
      <p className="muted">{t('telegram.groupsIntro')}</p>
      {message && <Notice kind="success">{message}</Notice>}
      <ErrorBanner error={groups.error ?? link.error} />
      {groups.data && groups.data.length === 0 && <p className="muted">{t('telegram.noGroups')}</p>}
      {groups.data && groups.data.length > 0 && (
        <table className="table compact">
          <thead>
            <tr>
              <th>{t('telegram.group')}</th>
              <th>{t('telegram.type')}</th>
              <th>{t('telegram.state')}</th>
              <th>{t('telegram.linkedTo')}</th>
              <th className="actions-col">{t('telegram.linkTo')}</th>
            </tr>
          </thead>
          <tbody>
            {groups.data.map((g) => (
              <tr key={g.chatId} className={g.active ? undefined : 'muted'}>
                <td className="strong">{g.title}</td>
                <td>{g.type}</td>
                <td>
                  {g.active ? (
                    <span className="badge status-delivered">{t('telegram.active')}</span>
                  ) : (
                    <>
                      <span className="badge status-cancelled">
                        {t('telegram.removed')}
                        {g.removedAt ? ` ${dateTime(g.removedAt)}` : ''}
                      </span>
                      {g.removedReason && <div className="muted">{g.removedReason}</div>}
                    </>
                  )}
                </td>
                <td>{linkedTo(g)}</td>
                <td className="actions-col">
                  <select
                    aria-label={t('telegram.linkGroupTo', { group: g.title })}
                    value={choice[g.chatId] ?? linkValue(g)}
                    onChange={(e) => setChoice((c) => ({ ...c, [g.chatId]: e.target.value }))}
                  >
                    <option value="">{t('telegram.unlink')}</option>
                    <option value="finance">{t('telegram.finance')}</option>
                    <option value="purchasing">{t('telegram.purchasing')}</option>
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
                    {t('telegram.link')}
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
  const t = useT('ops');
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
        <h2>{t('telegram.notifications')}</h2>
        <span className="grow" />
        <label>
          {t('telegram.status.label')}{' '}
          <select
            value={status}
            onChange={(e) => {
              setStatus(e.target.value as LogStatus | '');
              setOffset(0);
            }}
          >
            <option value="">{t('telegram.all')}</option>
            {logStatuses.map((s) => (
              <option key={s} value={s}>
                {t(`telegram.status.${s}`)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <ErrorBanner error={log.error} />
      <table className="table compact">
        <thead>
          <tr>
            <th>{t('telegram.when')}</th>
            <th>{t('telegram.order')}</th>
            <th>{t('telegram.kind')}</th>
            <th>{t('telegram.cause')}</th>
            <th>{t('telegram.status.label')}</th>
            <th className="num">{t('telegram.attempts')}</th>
            <th>{t('telegram.error')}</th>
            <th>{t('telegram.messageIds')}</th>
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
                <span className={`badge ${statusBadge[n.status]}`}>
                  {t(`telegram.status.${n.status}`)}
                </span>
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
        noun={t('telegram.notificationsNoun')}
      />
    </section>
  );
}
