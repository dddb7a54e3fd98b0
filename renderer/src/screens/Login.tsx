// Sign in. Wrong passwords are counted by the core (five lock the account for 15 minutes).
// The language chosen here is the PC's: the sign-in screen opens in it next time.
import { useState } from 'react';
import { useAction, useClient } from '../app-context';
import { ErrorBanner, Notice } from '../components/Banner';
import { TextField } from '../components/Field';
import { LanguageChooser } from '../components/LanguageChooser';
import { useT } from '../i18n';
import type { SessionStore } from '../session';

export function Login({
  session,
  notice,
  branchName,
}: {
  session: SessionStore;
  notice: string | null;
  branchName: string | null;
}) {
  const t = useT('login');
  const client = useClient();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const action = useAction();

  const submit = async () => {
    const signed = await action.run(() => client.call('auth.login', { username, password }));
    // The app then asks auth.me who this is: its answer carries the role typed by the contract.
    if (signed) session.setToken(signed.token);
  };

  return (
    <main className="center-page">
      <form
        className="card login"
        aria-label={t('title')}
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <h1>{t('app')}</h1>
        {branchName && <p className="muted">{branchName}</p>}
        <LanguageChooser />
        {notice && <Notice kind="warning">{notice}</Notice>}
        <ErrorBanner error={action.error} shown={['username', 'password']} />
        <TextField
          label={t('username')}
          name="username"
          error={action.error}
          autoFocus
          autoComplete="username"
          value={username}
          onChange={setUsername}
        />
        <TextField
          label={t('password')}
          name="password"
          error={action.error}
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={setPassword}
        />
        <button type="submit" className="btn primary wide" disabled={action.busy}>
          {action.busy ? t('signingIn') : t('signIn')} <kbd>Enter</kbd>
        </button>
      </form>
    </main>
  );
}
