// First run, joining head office: its address, the code an admin made there, this PC's name.
// The branch, its users and catalog then arrive by sync.
import { useState } from 'react';
import { useAction, useClient } from '../../app-context';
import { ErrorBanner } from '../../components/Banner';
import { TextField } from '../../components/Field';
import { useT } from '../../i18n';

const fields = ['serverUrl', 'code', 'deviceName'];

export function EnrollForm({ onDone, onBack }: { onDone(): void; onBack(): void }) {
  const t = useT('firstRun');
  const client = useClient();
  const [serverUrl, setServerUrl] = useState('https://');
  const [code, setCode] = useState('');
  const [deviceName, setDeviceName] = useState('');
  const action = useAction();

  const submit = async () => {
    const ok = await action.run(() => client.call('sync.enroll', { serverUrl, code, deviceName }));
    if (ok) onDone();
  };

  return (
    <form
      className="card"
      aria-label={t('enroll.label')}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.preventDefault();
          onBack();
        }
      }}
    >
      <h1>{t('join.title')}</h1>
      <p className="muted">{t('enroll.intro')}</p>
      <ErrorBanner error={action.error} shown={fields} />
      <TextField
        label={t('enroll.serverUrl')}
        name="serverUrl"
        error={action.error}
        autoFocus
        value={serverUrl}
        onChange={setServerUrl}
      />
      <TextField
        label={t('enroll.code')}
        name="code"
        error={action.error}
        inputClassName="mono"
        placeholder="ABCD-EFGH-JKLM"
        value={code}
        onChange={setCode}
      />
      <TextField
        label={t('deviceName')}
        name="deviceName"
        error={action.error}
        hint={t('enroll.deviceHint')}
        value={deviceName}
        onChange={setDeviceName}
      />
      <div className="form-actions">
        <button type="submit" className="btn primary" disabled={action.busy}>
          {action.busy ? t('enroll.busy') : t('enroll.submit')} <kbd>Enter</kbd>
        </button>
        <button type="button" className="btn" onClick={onBack}>
          {t('back')} <kbd>Esc</kbd>
        </button>
      </div>
    </form>
  );
}
