// First run, joining head office: its address, the code an admin made there, this PC's name.
// The branch, its users and catalog then arrive by sync.
import { useState } from 'react';
import { useAction, useClient } from '../../app-context';
import { ErrorBanner } from '../../components/Banner';
import { TextField } from '../../components/Field';

const fields = ['serverUrl', 'code', 'deviceName'];

export function EnrollForm({ onDone, onBack }: { onDone(): void; onBack(): void }) {
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
      aria-label="Enroll with head office"
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
      <h1>Join your head office</h1>
      <p className="muted">Ask an admin at head office for an enrollment code for your branch.</p>
      <ErrorBanner error={action.error} shown={fields} />
      <TextField
        label="Head-office address"
        name="serverUrl"
        error={action.error}
        autoFocus
        value={serverUrl}
        onChange={setServerUrl}
      />
      <TextField
        label="Enrollment code"
        name="code"
        error={action.error}
        inputClassName="mono"
        placeholder="ABCD-EFGH-JKLM"
        value={code}
        onChange={setCode}
      />
      <TextField
        label="Name of this PC"
        name="deviceName"
        error={action.error}
        hint="e.g. Bole shop counter"
        value={deviceName}
        onChange={setDeviceName}
      />
      <div className="form-actions">
        <button type="submit" className="btn primary" disabled={action.busy}>
          {action.busy ? 'Enrolling and syncing…' : 'Enroll'} <kbd>Enter</kbd>
        </button>
        <button type="button" className="btn" onClick={onBack}>
          Back <kbd>Esc</kbd>
        </button>
      </div>
    </form>
  );
}
