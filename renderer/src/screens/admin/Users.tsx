// Admin: who may sign in, with which role, for which branch; disable, enable and unlock.
import { useState } from 'react';
import { useAction, useClient, useQuery, useUser } from '../../app-context';
import type { OutputOf } from '../../client';
import { ErrorBanner, Notice } from '../../components/Banner';
import { roleLabel } from '../../roles';
import { UserForm } from './UserForm';

type UserRow = OutputOf<'users.list'>[number];

export function Users() {
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
          <h1>Users</h1>
          <p className="muted">Everyone who signs in on this PC or syncs to it.</p>
        </div>
        <span className="grow" />
        <button type="button" className="btn primary" onClick={() => setEditing('new')}>
          New user
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
            <th>Name</th>
            <th>Username</th>
            <th>Role</th>
            <th>Branch</th>
            <th>State</th>
            <th className="actions-col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {(users.data ?? []).map((u) => (
            <tr key={u.id} data-username={u.username} className={u.disabled ? 'muted' : undefined}>
              <td className="strong">{u.displayName}</td>
              <td>{u.username}</td>
              <td>{roleLabel(u.role)}</td>
              <td>{u.branchName}</td>
              <td>
                {u.disabled ? (
                  <span className="badge status-cancelled">Disabled</span>
                ) : u.locked ? (
                  <span className="badge status-slip_attached">Locked</span>
                ) : (
                  <span className="badge status-delivered">Active</span>
                )}
              </td>
              <td className="actions-col">
                <button type="button" className="btn small" onClick={() => setEditing(u)}>
                  Edit
                </button>
                {u.id !== me.userId &&
                  (u.disabled ? (
                    <button
                      type="button"
                      className="btn small"
                      onClick={() =>
                        void update(u, { disabled: false }, `${u.displayName} can sign in again.`)
                      }
                    >
                      Enable
                    </button>
                  ) : (
                    <button
                      type="button"
                      className="btn small danger-outline"
                      onClick={() =>
                        void update(u, { disabled: true }, `${u.displayName} is disabled.`)
                      }
                    >
                      Disable
                    </button>
                  ))}
                {u.locked ? (
                  <button
                    type="button"
                    className="btn small"
                    onClick={() =>
                      void update(u, { unlock: true }, `${u.displayName} is unlocked.`)
                    }
                  >
                    Unlock
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
