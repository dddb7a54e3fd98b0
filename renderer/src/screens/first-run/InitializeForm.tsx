// First run, standalone: this PC's branch and its first admin.
import { useState } from 'react';
import { useAction, useClient } from '../../app-context';
import type { InputOf } from '../../client';
import { ErrorBanner } from '../../components/Banner';
import { Field, TextField } from '../../components/Field';
import { adminFields, AdminFields } from './AdminFields';

type Kind = InputOf<'setup.initialize'>['branch']['kind'];
const kinds: Record<Kind, string> = {
  head_office: 'Head office',
  factory: 'Factory',
  shop: 'Shop',
};
const isKind = (k: string): k is Kind => k in kinds;
const fields = ['branch.code', 'branch.name', 'branch.kind', ...adminFields, 'deviceName'];

export function InitializeForm({ onDone, onBack }: { onDone(): void; onBack(): void }) {
  const client = useClient();
  const [code, setCode] = useState('');
  const [name, setName] = useState('');
  const [kind, setKind] = useState<Kind>('head_office');
  const [admin, setAdmin] = useState({ username: 'admin', displayName: '', password: '' });
  const [deviceName, setDeviceName] = useState('Main PC');
  const action = useAction();

  const submit = async () => {
    const ok = await action.run(() =>
      client.call('setup.initialize', {
        branch: { code, name, kind },
        admin,
        deviceName,
      }),
    );
    if (ok) onDone();
  };

  return (
    <form
      className="card wide"
      aria-label="Set up this PC"
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
      <h1>Start a new company on this PC</h1>
      <ErrorBanner error={action.error} shown={fields} />
      <h2>The branch this PC belongs to</h2>
      <div className="form-grid">
        <TextField
          label="Code"
          name="branch.code"
          error={action.error}
          hint="Like HQ or SH01"
          autoFocus
          value={code}
          onChange={(v) => setCode(v.toUpperCase())}
        />
        <TextField
          label="Name"
          name="branch.name"
          error={action.error}
          value={name}
          onChange={setName}
        />
        <Field label="Kind" name="branch.kind" error={action.error}>
          {(p) => (
            <select
              {...p}
              value={kind}
              onChange={(e) => isKind(e.target.value) && setKind(e.target.value)}
            >
              {Object.entries(kinds).map(([k, label]) => (
                <option key={k} value={k}>
                  {label}
                </option>
              ))}
            </select>
          )}
        </Field>
        <TextField
          label="Name of this PC"
          name="deviceName"
          error={action.error}
          value={deviceName}
          onChange={setDeviceName}
        />
      </div>
      <h2>The first admin</h2>
      <div className="form-grid">
        <AdminFields value={admin} onChange={setAdmin} error={action.error} />
      </div>
      <div className="form-actions">
        <button type="submit" className="btn primary" disabled={action.busy}>
          Set up <kbd>Enter</kbd>
        </button>
        <button type="button" className="btn" onClick={onBack}>
          Back <kbd>Esc</kbd>
        </button>
      </div>
    </form>
  );
}
