// Change one's own password with the old one: a dialog every role can open from the top bar.
// At a PC enrolled with head office the core makes the change there (online); when head office
// cannot be reached the person is told to try again once the PC is online.
import { useEffect, useRef, useState } from 'react';
import { useAction, useClient } from '../app-context';
import { isCode } from '../errors';
import { useT } from '../i18n';
import { ErrorBanner, Notice } from './Banner';
import { TextField } from './Field';

export function ChangePassword() {
  const t = useT('admin');
  const client = useClient();
  const dialog = useRef<HTMLDialogElement>(null);
  const opener = useRef<HTMLButtonElement>(null);
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const [checked, setChecked] = useState(false);
  const [done, setDone] = useState(false);
  // The form exists only while the dialog is open, so its fields are not on the page otherwise.
  const [isOpen, setOpen] = useState(false);
  useEffect(() => {
    if (isOpen && !dialog.current?.open) dialog.current?.showModal();
  }, [isOpen]);
  const action = useAction();
  const mismatch = checked && next !== again ? t('password.mismatch') : undefined;

  const open = () => {
    setCurrent('');
    setNext('');
    setAgain('');
    setChecked(false);
    setDone(false);
    action.setError(undefined);
    setOpen(true);
  };
  const close = () => {
    dialog.current?.close();
    opener.current?.focus();
  };
  const save = async () => {
    setChecked(true);
    if (next !== again) return;
    const ok = await action.run(() =>
      client.call('auth.changePassword', { currentPassword: current, newPassword: next }),
    );
    if (ok) setDone(true);
  };

  return (
    <>
      <button ref={opener} type="button" className="btn small" onClick={open}>
        {t('password.open')}
      </button>
      <dialog
        ref={dialog}
        className="dialog"
        aria-labelledby="change-password-title"
        onClose={() => {
          setOpen(false);
          opener.current?.focus();
        }}
      >
        {isOpen && (
          <form
            noValidate
            onSubmit={(e) => {
              e.preventDefault();
              void save();
            }}
          >
            <h2 id="change-password-title">{t('password.title')}</h2>
            {done ? (
              <Notice kind="success">{t('password.done')}</Notice>
            ) : (
              <>
                {isCode(action.error, 'UNAVAILABLE') && (
                  <Notice kind="warning">{t('password.offline')}</Notice>
                )}
                <ErrorBanner error={action.error} shown={['currentPassword', 'newPassword']} />
                <TextField
                  label={t('password.current')}
                  name="currentPassword"
                  type="password"
                  autoComplete="current-password"
                  autoFocus
                  error={action.error}
                  value={current}
                  onChange={setCurrent}
                />
                <TextField
                  label={t('password.new')}
                  name="newPassword"
                  type="password"
                  autoComplete="new-password"
                  hint={t('password.hint')}
                  error={action.error}
                  value={next}
                  onChange={setNext}
                />
                <TextField
                  label={t('password.again')}
                  name="newPasswordAgain"
                  type="password"
                  autoComplete="new-password"
                  error={action.error}
                  localError={mismatch}
                  value={again}
                  onChange={setAgain}
                />
              </>
            )}
            <div className="form-actions">
              {!done && (
                <button type="submit" className="btn primary" disabled={action.busy}>
                  {t('password.save')} <kbd>Enter</kbd>
                </button>
              )}
              <button type="button" className="btn" onClick={close}>
                {done ? t('close') : t('cancel')} <kbd>Esc</kbd>
              </button>
            </div>
          </form>
        )}
      </dialog>
    </>
  );
}
