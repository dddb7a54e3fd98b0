// Sign in. Wrong passwords are counted by the core (five lock the account for 15 minutes).
// The language chosen here is the PC's: the sign-in screen opens in it next time.
import { SignInForm } from '../components/SignInForm';
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
  return (
    <SignInForm
      session={session}
      notice={notice}
      intro={branchName}
      words={{
        title: t('title'),
        heading: t('app'),
        username: t('username'),
        password: t('password'),
        signIn: t('signIn'),
        signingIn: t('signingIn'),
      }}
    />
  );
}
