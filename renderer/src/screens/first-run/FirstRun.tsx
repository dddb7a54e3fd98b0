// A PC with no company yet: set one up here, join head office, or try the demo company.
import { useEffect, useState, type ReactNode } from 'react';
import { useAction, useClient } from '../../app-context';
import { ErrorBanner } from '../../components/Banner';
import { EnrollForm } from './EnrollForm';
import { InitializeForm } from './InitializeForm';

// The demo company's people (core/demo/seed.ts); the renderer cannot import the seed itself.
const demoUsers = [
  ['admin', 'Admin', 'everything: users, branches, products, sync'],
  ['shop1', 'Shop clerk, Bole Shop', 'orders, slips, deliveries, counter sales'],
  ['shop2', 'Shop clerk, Piassa Shop', 'the same for the second shop'],
  ['factory', 'Factory clerk', 'order queue, dispatch, production, stock'],
  ['finance', 'Finance', 'verifies payment slips'],
  ['sales', 'Sales rep', 'orders and sales for Bole Shop'],
  ['driver', 'Driver', 'sees the orders to deliver'],
] as const;
export const DEMO_PASSWORD = 'demo1234';

type Step = 'choose' | 'initialize' | 'enroll' | 'demo';

export function FirstRun({ onReady }: { onReady(): void }) {
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
        <section className="card wide" aria-label="Demo company ready">
          <h1>The demo company is ready</h1>
          <p>
            Sign in as any of these people. The password for all of them is{' '}
            <strong className="mono" data-testid="demo-password">
              {DEMO_PASSWORD}
            </strong>
            .
          </p>
          <table className="table compact">
            <thead>
              <tr>
                <th>Username</th>
                <th>Who</th>
                <th>What they do</th>
              </tr>
            </thead>
            <tbody>
              {demoUsers.map(([username, who, what]) => (
                <tr key={username}>
                  <td className="mono strong">{username}</td>
                  <td>{who}</td>
                  <td>{what}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="form-actions">
            <button type="button" className="btn primary" autoFocus onClick={onReady}>
              Go to sign in <kbd>Enter</kbd>
            </button>
          </div>
        </section>
      </Centered>
    );

  return (
    <Centered>
      <section className="first-run" aria-label="First run">
        <h1>Welcome. How will this PC be used?</h1>
        <ErrorBanner error={demo.error} />
        <div className="choices">
          <button type="button" className="choice" onClick={() => setStep('initialize')}>
            <strong>Start a new company here</strong>
            <span>
              Name this branch and create the first admin. Works on its own; you can connect to a
              head office later.
            </span>
          </button>
          <button type="button" className="choice" onClick={() => setStep('enroll')}>
            <strong>Join your head office</strong>
            <span>Type the head-office address and the enrollment code an admin gave you.</span>
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
            <strong>{demo.busy ? 'Loading the demo company…' : 'Try the demo company'}</strong>
            <span>A factory, two shops, products with stock and one user for every role.</span>
          </button>
        </div>
      </section>
    </Centered>
  );
}

function Centered({ children }: { children: ReactNode }) {
  return <main className="center-page">{children}</main>;
}
