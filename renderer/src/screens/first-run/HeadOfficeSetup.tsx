// Head office's console before anyone can sign in: the one way on is to create its admin. Head
// office's own branch and admin are made in one step (the server's setup, decision 0017); then
// the admin is signed in with what they typed.
import { useState } from 'react';
import { useAction, useClient } from '../../app-context';
import { ErrorBanner } from '../../components/Banner';
import { TextField } from '../../components/Field';
import { bannerMessage, isCode } from '../../errors';
import { useT } from '../../i18n';
import { adminFields, AdminFields } from './AdminFields';
import type { SessionStore } from '../../session';

const fields = ['branch.name', 'branch.code', ...adminFields];

export function HeadOfficeSetup({ session, onReady }: { session: SessionStore; onReady(): void }) {
  const t = useT('firstRun');
  const client = useClient();
  const [name, setName] = useState('');
  const [code, setCode] = useState('HQ');
  const [admin, setAdmin] = useState({ username: 'admin', displayName: '', password: '' });
  const [again, setAgain] = useState('');
  const [mismatch, setMismatch] = useState(false);
  const action = useAction();

  const submit = async () => {
    if (admin.password !== again) {
      setMismatch(true);
      document.querySelector<HTMLElement>('[data-field="passwordAgain"] input')?.focus();
      return;
    }
    setMismatch(false);
    const made = await action.run(async () => {
      try {
        return await client.call('setup.initialize', {
          branch: { code, name, kind: 'head_office' },
          admin,
          deviceName: 'Head-office server',
        });
      } catch (error) {
        if (!isCode(error, 'ALREADY_SET_UP')) throw error;
        // Set up a moment ago (another tab, another admin): the sign-in screen says so.
        session.signOut(bannerMessage(error) ?? null);
        onReady();
        return undefined;
      }
    });
    if (!made) return;
    // Signed in as the admin just made; should that fail, the sign-in screen says what to do.
    try {
      const { username, password } = admin;
      session.setToken((await client.call('auth.login', { username, password })).token);
    } catch {
      session.signOut(t('ho.setUp'));
    }
    onReady();
  };

  return (
    <main className="center-page">
      <form
        className="card wide"
        aria-label={t('ho.title')}
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <h1>{t('ho.title')}</h1>
        <p>{t('ho.intro')}</p>
        <ErrorBanner error={action.error} shown={fields} />
        <div className="form-grid">
          <TextField
            label={t('ho.name')}
            name="branch.name"
            error={action.error}
            hint={t('ho.nameHint')}
            autoFocus
            value={name}
            onChange={setName}
          />
          <TextField
            label={t('ho.code')}
            name="branch.code"
            error={action.error}
            hint={t('ho.codeHint')}
            value={code}
            onChange={(v) => setCode(v.toUpperCase())}
          />
        </div>
        <h2>{t('ho.admin')}</h2>
        <div className="form-grid">
          <AdminFields value={admin} onChange={setAdmin} error={action.error} />
          <TextField
            label={t('ho.again')}
            name="passwordAgain"
            error={undefined}
            localError={mismatch ? t('ho.mismatch') : undefined}
            type="password"
            autoComplete="new-password"
            value={again}
            onChange={setAgain}
          />
        </div>
        <div className="form-actions">
          <button type="submit" className="btn primary" disabled={action.busy}>
            {action.busy ? t('ho.busy') : t('ho.submit')} <kbd>Enter</kbd>
          </button>
        </div>
      </form>
    </main>
  );
}
