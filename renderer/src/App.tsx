// What the PC shows first: the first-run choices on a new PC, the sign-in, or the signed-in app.
// Under /portal/ (head office's customer portal) it is the customer's sign-in and page instead.
import { useEffect, useState, useSyncExternalStore } from 'react';
import { ClientContext, UserContext, useQuery } from './app-context';
import type { Client } from './client';
import { ErrorBanner } from './components/Banner';
import { FirstRun } from './screens/first-run/FirstRun';
import { HeadOfficeSetup } from './screens/first-run/HeadOfficeSetup';
import { Login } from './screens/Login';
import { isPortalPath, PortalHome, PortalSignIn } from './screens/portal/PortalPage';
import type { SessionStore } from './session';
import { Shell } from './Shell';

const portal = typeof window !== 'undefined' && isPortalPath(window.location.pathname);

export function App({ client, session }: { client: Client; session: SessionStore }) {
  return (
    <ClientContext.Provider value={client}>
      <Root client={client} session={session} />
    </ClientContext.Provider>
  );
}

function Root({ client, session }: { client: Client; session: SessionStore }) {
  const state = useSyncExternalStore(session.subscribe, session.get);
  const [setupVersion, setSetupVersion] = useState(0);
  const signedOut = state.token === null;
  // Asked again after a sign-out: a stale token makes the core refuse even this public query.
  const setup = useQuery(() => client.call('setup.status', {}), [setupVersion, signedOut]);

  // A reload keeps the token (sessionStorage); ask the core who it belongs to.
  useEffect(() => {
    if (state.token && !state.user)
      client.call('auth.me', {}).then(
        (me) => session.setUser(me),
        () => session.signOut(),
      );
  }, [state.token, state.user]);

  if (!setup.data) {
    return (
      <main className="center-page">
        {setup.error ? (
          <div className="card">
            <ErrorBanner error={setup.error} />
            <button type="button" className="btn" onClick={() => setSetupVersion((v) => v + 1)}>
              Try again
            </button>
          </div>
        ) : (
          <p className="muted">Starting…</p>
        )}
      </main>
    );
  }
  const ready = () => setSetupVersion((v) => v + 1);
  if (!setup.data.initialized)
    return setup.data.headOffice ? (
      <HeadOfficeSetup session={session} onReady={ready} />
    ) : (
      <FirstRun onReady={ready} />
    );
  if (state.token && !state.user)
    return (
      <main className="center-page">
        <p className="muted">Signing in…</p>
      </main>
    );
  if (portal && !state.user) return <PortalSignIn session={session} notice={state.notice} />;
  if (!state.user)
    return (
      <Login session={session} notice={state.notice} branchName={setup.data.branch?.name ?? null} />
    );

  const signOut = () => {
    void client.call('auth.logout', {}).finally(() => session.signOut());
  };
  if (portal || state.user.role === 'customer')
    return (
      <UserContext.Provider value={state.user}>
        <PortalHome key={state.user.userId} onSignOut={signOut} />
      </UserContext.Provider>
    );
  return (
    <UserContext.Provider value={state.user}>
      <Shell key={state.user.userId} onSignOut={signOut} />
    </UserContext.Provider>
  );
}
