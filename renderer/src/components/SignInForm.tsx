// The sign-in card (the app's and the customer portal's): user name and password, the language
// chooser, a notice from before (signed out, session ended) and the refusal. The core counts
// wrong passwords; on success the session keeps the token and the app asks auth.me who this is.
import { useState, type ReactNode } from 'react';
import { useAction, useClient } from '../app-context';
import type { SessionStore } from '../session';
import { ErrorBanner, Notice } from './Banner';
import { TextField } from './Field';
import { LanguageChooser } from './LanguageChooser';

/** The words, each from the caller's own translation keys. */
export interface SignInWords {
  /** The form's name for a screen reader. */
  title: string;
  heading: string;
  username: string;
  password: string;
  signIn: string;
  signingIn: string;
}

export function SignInForm({
  session,
  notice,
  words,
  intro,
  error,
}: {
  session: SessionStore;
  notice: string | null;
  words: SignInWords;
  /** A line under the heading (the branch, what the page is for). */
  intro?: ReactNode;
  /** Why the page itself could not be readied (shown above the sign-in's own refusal). */
  error?: unknown;
}) {
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
        aria-label={words.title}
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <h1>{words.heading}</h1>
        {intro && <p className="muted">{intro}</p>}
        <LanguageChooser />
        {notice && <Notice kind="warning">{notice}</Notice>}
        <ErrorBanner error={error} />
        <ErrorBanner error={action.error} shown={['username', 'password']} />
        <TextField
          label={words.username}
          name="username"
          error={action.error}
          autoFocus
          autoComplete="username"
          value={username}
          onChange={setUsername}
        />
        <TextField
          label={words.password}
          name="password"
          error={action.error}
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={setPassword}
        />
        <button type="submit" className="btn primary wide" disabled={action.busy}>
          {action.busy ? words.signingIn : words.signIn} <kbd>Enter</kbd>
        </button>
      </form>
    </main>
  );
}
