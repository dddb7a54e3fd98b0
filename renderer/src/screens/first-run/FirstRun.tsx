// A PC with no company yet: set one up here, join head office, or try the demo company.
import { useEffect, useState, type ReactNode } from 'react';
import { useAction, useClient } from '../../app-context';
import { ErrorBanner } from '../../components/Banner';
import { LanguageChooser } from '../../components/LanguageChooser';
import { useT } from '../../i18n';
import { EnrollForm } from './EnrollForm';
import { InitializeForm } from './InitializeForm';

// The demo company's people (core/demo/seed.ts); the renderer cannot import the seed itself.
// Who each is and what they do: firstRun.json's `demo.<username>.who` and `.what`.
const demoUsers = ['admin', 'shop1', 'shop2', 'factory', 'finance', 'sales', 'driver'] as const;
export const DEMO_PASSWORD = 'demo1234';

type Step = 'choose' | 'initialize' | 'enroll' | 'demo';

export function FirstRun({ onReady }: { onReady(): void }) {
  const t = useT('firstRun');
  const client = useClient();
  const [step, setStep] = useState<Step>('choose');
  const demo = useAction();
  useEffect(() => {
    if (step === 'choose' || step === 'demo') return;
    // Esc goes back to the choices even when the focus is not in the form any more.
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && !e.defaultPrevented) setStep('choose');
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [step]);

  if (step === 'initialize')
    return (
      <Centered>
        <InitializeForm onDone={onReady} onBack={() => setStep('choose')} />
      </Centered>
    );
  if (step === 'enroll')
    return (
      <Centered>
        <EnrollForm onDone={onReady} onBack={() => setStep('choose')} />
      </Centered>
    );
  if (step === 'demo')
    return (
      <Centered>
        <section className="card wide" aria-label={t('demo.ready')}>
          <h1>{t('demo.readyTitle')}</h1>
          <p>
            {t('demo.passwordIs')}{' '}
            <strong className="mono" data-testid="demo-password">
              {DEMO_PASSWORD}
            </strong>
            .
          </p>
          <table className="table compact">
            <thead>
              <tr>
                <th>{t('demo.username')}</th>
                <th>{t('demo.who')}</th>
                <th>{t('demo.what')}</th>
              </tr>
            </thead>
            <tbody>
              {demoUsers.map((username) => (
                <tr key={username}>
                  <td className="mono strong">{username}</td>
                  <td>{t(`demo.${username}.who`)}</td>
                  <td>{t(`demo.${username}.what`)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="form-actions">
            <button type="button" className="btn primary" autoFocus onClick={onReady}>
              {t('demo.toSignIn')} <kbd>Enter</kbd>
            </button>
          </div>
        </section>
      </Centered>
    );

  return (
    <Centered>
      <section className="first-run" aria-label={t('label')}>
        <h1>{t('welcome')}</h1>
        <LanguageChooser />
        <ErrorBanner error={demo.error} />
        <div className="choices">
          <button type="button" className="choice" onClick={() => setStep('initialize')}>
            <strong>{t('new.title')}</strong>
            <span>{t('new.text')}</span>
          </button>
          <button type="button" className="choice" onClick={() => setStep('enroll')}>
            <strong>{t('join.title')}</strong>
            <span>{t('join.text')}</span>
          </button>
          <button
            type="button"
            className="choice"
            disabled={demo.busy}
            onClick={() =>
              void demo
                .run(() => client.call('setup.loadDemo', {}))
                .then((ok) => ok && setStep('demo'))
            }
          >
            <strong>{demo.busy ? t('demo.loading') : t('demo.try')}</strong>
            <span>{t('demo.text')}</span>
          </button>
        </div>
      </section>
    </Centered>
  );
}

function Centered({ children }: { children: ReactNode }) {
  return <main className="center-page">{children}</main>;
}
