// The first admin of a new company, on a PC of its own or at head office: the same three boxes,
// named as the setup's input names them, so the core's refusals land beside them.
import { TextField } from '../../components/Field';

export interface FirstAdmin {
  username: string;
  displayName: string;
  password: string;
}

export const adminFields = ['admin.username', 'admin.displayName', 'admin.password'];

export function AdminFields({
  value,
  onChange,
  error,
}: {
  value: FirstAdmin;
  onChange(value: FirstAdmin): void;
  error: unknown;
}) {
  const set = (key: keyof FirstAdmin) => (v: string) => onChange({ ...value, [key]: v });
  return (
    <>
      <TextField
        label="Username"
        name="admin.username"
        error={error}
        autoComplete="off"
        value={value.username}
        onChange={set('username')}
      />
      <TextField
        label="Full name"
        name="admin.displayName"
        error={error}
        value={value.displayName}
        onChange={set('displayName')}
      />
      <TextField
        label="Password"
        name="admin.password"
        error={error}
        hint="At least 8 characters"
        type="password"
        autoComplete="new-password"
        value={value.password}
        onChange={set('password')}
      />
    </>
  );
}
