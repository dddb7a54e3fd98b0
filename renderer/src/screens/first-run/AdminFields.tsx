// The first admin of a new company, on a PC of its own or at head office: the same three boxes,
// named as the setup's input names them, so the core's refusals land beside them.
import { TextField } from '../../components/Field';
import { useT } from '../../i18n';

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
  const t = useT('firstRun');
  const set = (key: keyof FirstAdmin) => (v: string) => onChange({ ...value, [key]: v });
  return (
    <>
      <TextField
        label={t('admin.username')}
        name="admin.username"
        error={error}
        autoComplete="off"
        value={value.username}
        onChange={set('username')}
      />
      <TextField
        label={t('admin.displayName')}
        name="admin.displayName"
        error={error}
        value={value.displayName}
        onChange={set('displayName')}
      />
      <TextField
        label={t('admin.password')}
        name="admin.password"
        error={error}
        hint={t('admin.passwordHint')}
        type="password"
        autoComplete="new-password"
        value={value.password}
        onChange={set('password')}
      />
    </>
  );
}
