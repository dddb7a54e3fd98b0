// Creating a user, or changing one: name, role, branch, and a password (new users) or a new
// password (existing ones, optional).
import { useState } from 'react';
import { useAction, useClient } from '../../app-context';
import type { OutputOf, Role } from '../../client';
import { ErrorBanner } from '../../components/Banner';
import { Field, TextField } from '../../components/Field';
import { roles } from '../../../../core/vocabulary';
import { roleLabel } from '../../roles';

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
    if (ok) onDone(user ? `Saved ${displayName}.` : `Created ${username}.`);
  };

  return (
    <form
      className="panel inline-form"
      aria-label={user ? `Edit ${user.username}` : 'New user'}
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
      <h2>{user ? `Edit ${user.username}` : 'New user'}</h2>
      <ErrorBanner error={action.error} shown={fields} />
      <div className="form-grid">
        {!user && (
          <TextField
            label="Username"
            name="username"
            error={action.error}
            autoFocus
            autoComplete="off"
            value={username}
            onChange={setUsername}
          />
        )}
        <TextField
          label="Full name"
          name="displayName"
          error={action.error}
          autoFocus={user !== null}
          value={displayName}
          onChange={setDisplayName}
        />
        <Field label="Role" name="role" error={action.error}>
          {(p) => (
            <select
              {...p}
              value={role}
              onChange={(e) => setRole(roles.find((r) => r === e.target.value) ?? role)}
            >
              {roles.map((r) => (
                <option key={r} value={r}>
                  {roleLabel(r)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Branch" name="branchId" error={action.error}>
          {(p) => (
            <select {...p} value={branchId} onChange={(e) => setBranchId(e.target.value)}>
              <option value="">Choose…</option>
              {branches.map((b) => (
                <option key={b.id} value={b.id}>
                  {b.name} ({b.code})
                </option>
              ))}
            </select>
          )}
        </Field>
        <TextField
          label={user ? 'New password (leave empty to keep)' : 'Password'}
          name="password"
          error={action.error}
          hint="At least 8 characters"
          type="password"
          autoComplete="new-password"
          value={password}
          onChange={setPassword}
        />
      </div>
      <div className="form-actions">
        <button type="submit" className="btn primary" disabled={action.busy}>
          {user ? 'Save' : 'Create user'} <kbd>Enter</kbd>
        </button>
        <button type="button" className="btn" onClick={onCancel}>
          Cancel <kbd>Esc</kbd>
        </button>
      </div>
    </form>
  );
}
