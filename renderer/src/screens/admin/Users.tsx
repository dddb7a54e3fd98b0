// Admin: who may sign in, with which role, for which branch; disable, enable and unlock.
import { useState } from 'react';
import { useAction, useClient, useQuery, useUser } from '../../app-context';
import type { OutputOf } from '../../client';
import { ErrorBanner, Notice } from '../../components/Banner';
import { useT } from '../../i18n';
import { UserForm } from './UserForm';

type UserRow = OutputOf<'users.list'>[number];

export function Users() {
  const t = useT('admin');
  const tShell = useT('shell');
  const client = useClient();
  const me = useUser();
  const users = useQuery(() => client.call('users.list', {}), []);
  const branches = useQuery(() => client.call('branches.list', {}), []);
  const [editing, setEditing] = useState<UserRow | 'new' | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const action = useAction();

  const update = async (
    u: UserRow,
    change: { disabled?: boolean; unlock?: boolean },
    done: string,
  ) => {
    const ok = await action.run(() => client.call('users.update', { id: u.id, ...change }));
    if (ok) {
      setMessage(done);
      users.reload();
    }
  };

  return (
    <div className="screen">
      <header className="screen-head row">
        <div>
          <h1>{t('users.title')}</h1>
          <p className="muted">{t('users.intro')}</p>
        </div>
        <span className="grow" />
        <button type="button" className="btn primary" onClick={() => setEditing('new')}>
          {t('users.new')}
        </button>
      </header>
      {message && <Notice kind="success">{message}</Notice>}
      <ErrorBanner error={users.error ?? action.error} />
      {editing && (
        <UserForm
          key={editing === 'new' ? 'new' : editing.id}
          user={editing === 'new' ? null : editing}
          branches={branches.data ?? []}
          onCancel={() => setEditing(null)}
          onDone={(m) => {
            setEditing(null);
            setMessage(m);
            users.reload();
          }}
        />
      )}
      <table className="table">
        <thead>
          <tr>
            <th>{t('users.name')}</th>
            <th>{t('users.username')}</th>
            <th>{t('users.role')}</th>
            <th>{t('users.branch')}</th>
            <th>{t('state.title')}</th>
            <th className="actions-col">{t('actions')}</th>
          </tr>
        </thead>
        <tbody>
          {(users.data ?? []).map((u) => (
            <tr key={u.id} data-username={u.username} className={u.disabled ? 'muted' : undefined}>
              <td className="strong">{u.displayName}</td>
              <td>{u.username}</td>
              <td>{tShell(`roles.${u.role}`)}</td>
              <td>{u.branchName}</td>
              <td>
                {u.disabled ? (
                  <span className="badge status-cancelled">{t('users.disabled')}</span>
                ) : u.locked ? (
                  <span className="badge status-slip_attached">{t('users.locked')}</span>
                ) : (
                  <span className="badge status-delivered">{t('state.active')}</span>
                )}
              </td>
              <td className="actions-col">
                <button type="button" className="btn small" onClick={() => setEditing(u)}>
                  {t('edit')}
                </button>
                {u.id !== me.userId &&
                  (u.disabled ? (
                    <button
                      type="button"
                      className="btn small"
                      onClick={() =>
                        void update(
                          u,
                          { disabled: false },
                          t('users.enabledDone', { name: u.displayName }),
                        )
                      }
                    >
                      {t('users.enable')}
                    </button>
                  ) : (
                    <button
                      type="button"
                      className="btn small danger-outline"
                      onClick={() =>
                        void update(
                          u,
                          { disabled: true },
                          t('users.disabledDone', { name: u.displayName }),
                        )
                      }
                    >
                      {t('users.disable')}
                    </button>
                  ))}
                {u.locked ? (
                  <button
                    type="button"
                    className="btn small"
                    onClick={() =>
                      void update(
                        u,
                        { unlock: true },
                        t('users.unlockedDone', { name: u.displayName }),
                      )
                    }
                  >
                    {t('users.unlock')}
                  </button>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
