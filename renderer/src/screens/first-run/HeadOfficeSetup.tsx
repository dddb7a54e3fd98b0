// Head office's console before anyone can sign in: the one way on is to create its admin. Head
// office's own branch and admin are made in one step (the server's setup, decision 0017); then
// the admin is signed in with what they typed.
import { useState } from 'react';
import { useAction, useClient } from '../../app-context';
import { ErrorBanner } from '../../components/Banner';
import { TextField } from '../../components/Field';
import { isCode } from '../../errors';
import { adminFields, AdminFields } from './AdminFields';
import type { SessionStore } from '../../session';

const fields = ['branch.name', 'branch.code', ...adminFields];

export function HeadOfficeSetup({ session, onReady }: { session: SessionStore; onReady(): void }) {
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
        session.signOut(error instanceof Error ? error.message : null);
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
      session.signOut('Head office is set up. Sign in with the admin you just created.');
    }
    onReady();
  };

  return (
    <main className="center-page">
      <form
        className="card wide"
        aria-label="Set up head office"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <h1>Set up head office</h1>
        <p>
          This server has no admin yet. Create the head-office admin: you sign in with this username
          and password, then add your factories and shops and enroll each PC.
        </p>
        <ErrorBanner error={action.error} shown={fields} />
        <div className="form-grid">
          <TextField
            label="Company name"
            name="branch.name"
            error={action.error}
            hint="Head office's name, as PCs and documents show it"
            autoFocus
            value={name}
            onChange={setName}
          />
          <TextField
            label="Head-office code"
            name="branch.code"
            error={action.error}
            hint="2 to 10 capital letters or digits"
            value={code}
            onChange={(v) => setCode(v.toUpperCase())}
          />
        </div>
        <h2>The head-office admin</h2>
        <div className="form-grid">
          <AdminFields value={admin} onChange={setAdmin} error={action.error} />
          <TextField
            label="Password again"
            name="passwordAgain"
            error={undefined}
            localError={
              mismatch ? 'Does not match the password: type the same password twice' : undefined
            }
            type="password"
            autoComplete="new-password"
            value={again}
            onChange={setAgain}
          />
        </div>
        <div className="form-actions">
          <button type="submit" className="btn primary" disabled={action.busy}>
            {action.busy ? 'Setting up…' : 'Create admin and sign in'} <kbd>Enter</kbd>
          </button>
        </div>
      </form>
    </main>
  );
}
