// The portal's own pages at /portal/ (decision 0034): the customer's sign-in, which first asks
// head office whether the portal is open and says why not, and the signed-in customer's page
// (their name, language, sign-out, and the Portal view). No shell: a customer has no other screen.
import { useClient, useQuery, useUser } from '../../app-context';
import { Notice } from '../../components/Banner';
import { LanguageChooser } from '../../components/LanguageChooser';
import { SignInForm } from '../../components/SignInForm';
import { useT } from '../../i18n';
import type { SessionStore } from '../../session';
import { Portal } from './Portal';

/** Whether this page is the customer portal: head office serves it under /portal/. */
export const isPortalPath = (pathname: string): boolean => pathname.startsWith('/portal/');

export function PortalSignIn({
  session,
  notice,
}: {
  session: SessionStore;
  notice: string | null;
}) {
  const t = useT('portal');
  const client = useClient();
  const status = useQuery(() => client.call('portal.status', {}), []);

  if (status.data && !status.data.on)
    return (
      <main className="center-page">
        <div className="card login">
          <h1>{t('off.title')}</h1>
          <Notice kind="warning">{status.data.reason ?? t('off.default')}</Notice>
        </div>
      </main>
    );
  return (
    <SignInForm
      session={session}
      notice={notice}
      intro={t('signIn.intro')}
      error={status.error}
      words={{
        title: t('signIn.title'),
        heading: t('signIn.title'),
        username: t('signIn.username'),
        password: t('signIn.password'),
        signIn: t('signIn.signIn'),
        signingIn: t('signIn.signingIn'),
      }}
    />
  );
}

/** The signed-in customer's page. Anyone else who signs in here is told to use the app. */
export function PortalHome({ onSignOut }: { onSignOut(): void }) {
  const t = useT('portal');
  const user = useUser();
  return (
    <div className="portal-page">
      <header className="topbar row">
        <strong>{t('brand')}</strong>
        <span className="grow" />
        <span>{user.displayName}</span>
        <LanguageChooser userId={user.userId} compact />
        <button type="button" className="btn" onClick={onSignOut}>
          {t('signOut')}
        </button>
      </header>
      <main className="content" id="main" tabIndex={-1}>
        {user.role === 'customer' ? <Portal /> : <Notice kind="warning">{t('notCustomer')}</Notice>}
      </main>
    </div>
  );
}
