// A supervisor signs in at the clerk's screen to allow a discount beyond the clerk's limit
// (sales.approveDiscount). A wrong password is said in the dialog, which stays open for another
// try; Esc leaves the discount waiting and the sale unrecorded.
import { useRef, useState } from 'react';
import { useClient } from '../../app-context';
import { ErrorBanner } from '../../components/Banner';
import { closeThen, Dialog } from '../../components/Dialog';
import { TextField } from '../../components/Field';
import { useT } from '../../i18n';

interface SupervisorDialogProps {
  /** Why it is asked: the core's refusal in words (the discount's share, the clerk's limit). */
  reason: string;
  onApproved(approvalId: string): void;
  onClose(): void;
}

export function SupervisorDialog({ reason, onApproved, onClose }: SupervisorDialogProps) {
  const t = useT('counter');
  const client = useClient();
  const form = useRef<HTMLFormElement>(null);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);

  const approve = async () => {
    if (busy) return;
    setBusy(true);
    try {
      const { approvalId } = await client.call('sales.approveDiscount', { username, password });
      closeThen(form.current, () => onApproved(approvalId));
    } catch (e) {
      setError(e);
      setPassword('');
      form.current?.querySelector<HTMLInputElement>('[data-field="password"] input')?.focus();
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog title={t('supervisor.title')} onClose={onClose} className="counter-dialog">
      <form
        ref={form}
        noValidate
        aria-label={t('supervisor.title')}
        onSubmit={(e) => {
          e.preventDefault();
          void approve();
        }}
      >
        <p>{reason}</p>
        <TextField
          label={t('supervisor.username')}
          name="username"
          error={error}
          autoFocus
          autoComplete="off"
          value={username}
          onChange={setUsername}
        />
        <TextField
          label={t('supervisor.password')}
          name="password"
          error={error}
          type="password"
          autoComplete="off"
          value={password}
          onChange={setPassword}
        />
        <ErrorBanner error={error} shown={['username', 'password']} />
        <div className="form-actions">
          <button type="submit" className="btn primary" disabled={busy}>
            {t('supervisor.approve')} <kbd>Enter</kbd>
          </button>
          <button type="button" className="btn" onClick={() => closeThen(form.current, onClose)}>
            {t('close')} <kbd>Esc</kbd>
          </button>
        </div>
      </form>
    </Dialog>
  );
}
