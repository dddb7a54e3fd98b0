// Creating a user, or changing one: name, role, branch, and a password (new users) or a new
// password (existing ones, optional).
import { useState } from 'react';
import { useAction, useClient } from '../../app-context';
import type { OutputOf, Role } from '../../client';
import { ErrorBanner } from '../../components/Banner';
import { Field, TextField } from '../../components/Field';
import { useT } from '../../i18n';
import { roles } from '../../../../core/vocabulary';

type UserRow = OutputOf<'users.list'>[number];
type Branch = OutputOf<'branches.list'>[number];

const fields = ['username', 'displayName', 'role', 'branchId', 'password'];

export function UserForm({
  user,
  branches,
  onDone,
  onCancel,
}: {
  user: UserRow | null;
  branches: Branch[];
  onDone(message: string): void;
  onCancel(): void;
}) {
  const t = useT('admin');
  const tShell = useT('shell');
  const client = useClient();
  const [username, setUsername] = useState(user?.username ?? '');
  const [displayName, setDisplayName] = useState(user?.displayName ?? '');
  const [role, setRole] = useState<Role>(user?.role ?? 'shop_clerk');
  const [branchId, setBranchId] = useState(user?.branchId ?? '');
  const [password, setPassword] = useState('');
  const action = useAction();

  const submit = async () => {
    const ok = user
      ? await action.run(() =>
          client.call('users.update', {
            id: user.id,
            displayName,
            role,
            branchId,
            ...(password ? { password } : {}),
          }),
        )
      : await action.run(() =>
          client.call('users.create', { username, displayName, role, branchId, password }),
        );
    if (ok)
      onDone(user ? t('users.saved', { name: displayName }) : t('users.created', { username }));
  };

  return (
    <form
      className="panel inline-form"
      aria-label={user ? t('users.editUser', { username: user.username }) : t('users.new')}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.preventDefault();
          onCancel();
        }
      }}
    >
      <h2>{user ? t('users.editUser', { username: user.username }) : t('users.new')}</h2>
      <ErrorBanner error={action.error} shown={fields} />
      <div className="form-grid">
        {!user && (
          <TextField
            label={t('users.username')}
            name="username"
            error={action.error}
            autoFocus
            autoComplete="off"
            value={username}
            onChange={setUsername}
          />
        )}
        <TextField
          label={t('users.fullName')}
          name="displayName"
          error={action.error}
          autoFocus={user !== null}
          value={displayName}
          onChange={setDisplayName}
        />
        <Field label={t('users.role')} name="role" error={action.error}>
          {(p) => (
            <select
              {...p}
              value={role}
              onChange={(e) => setRole(roles.find((r) => r === e.target.value) ?? role)}
            >
              {roles.map((r) => (
                <option key={r} value={r}>
                  {tShell(`roles.${r}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('users.branch')} name="branchId" error={action.error}>
          {(p) => (
            <select {...p} value={branchId} onChange={(e) => setBranchId(e.target.value)}>
              <option value="">{t('users.choose')}</option>
              {branches.map((b) => (
                <option key={b.id} value={b.id}>
                  {b.name} ({b.code})
                </option>
              ))}
            </select>
          )}
        </Field>
        <TextField
          label={user ? t('users.newPassword') : t('users.password')}
          name="password"
          error={action.error}
          hint={t('password.hint')}
          type="password"
          autoComplete="new-password"
          value={password}
          onChange={setPassword}
        />
      </div>
      <div className="form-actions">
        <button type="submit" className="btn primary" disabled={action.busy}>
          {user ? t('save') : t('users.create')} <kbd>Enter</kbd>
        </button>
        <button type="button" className="btn" onClick={onCancel}>
          {t('cancel')} <kbd>Esc</kbd>
        </button>
      </div>
    </form>
  );
}
