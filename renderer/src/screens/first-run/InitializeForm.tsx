// First run, standalone: this PC's branch and its first admin.
import { useState } from 'react';
import { useAction, useClient } from '../../app-context';
import type { InputOf } from '../../client';
import { ErrorBanner } from '../../components/Banner';
import { Field, TextField } from '../../components/Field';
import { useT } from '../../i18n';
import { branchKinds } from '../../../../core/vocabulary';
import { adminFields, AdminFields } from './AdminFields';

type Kind = InputOf<'setup.initialize'>['branch']['kind'];
/** Each kind's name is firstRun.json's `kind.<kind>`. */
const isKind = (k: string): k is Kind => branchKinds.some((kind) => kind === k);
/** Head office first: the first PC of a company is most often its head office. */
const kinds: readonly Kind[] = [...branchKinds].sort(
  (a, b) => Number(b === 'head_office') - Number(a === 'head_office'),
);
const fields = ['branch.code', 'branch.name', 'branch.kind', ...adminFields, 'deviceName'];

export function InitializeForm({ onDone, onBack }: { onDone(): void; onBack(): void }) {
  const t = useT('firstRun');
  const client = useClient();
  const [code, setCode] = useState('');
  const [name, setName] = useState('');
  const [kind, setKind] = useState<Kind>('head_office');
  const [admin, setAdmin] = useState({ username: 'admin', displayName: '', password: '' });
  const [deviceName, setDeviceName] = useState(() => t('init.mainPc'));
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
      aria-label={t('init.label')}
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
      <h1>{t('init.title')}</h1>
      <ErrorBanner error={action.error} shown={fields} />
      <h2>{t('init.branch')}</h2>
      <div className="form-grid">
        <TextField
          label={t('init.code')}
          name="branch.code"
          error={action.error}
          hint={t('init.codeHint')}
          autoFocus
          value={code}
          onChange={(v) => setCode(v.toUpperCase())}
        />
        <TextField
          label={t('init.name')}
          name="branch.name"
          error={action.error}
          value={name}
          onChange={setName}
        />
        <Field label={t('init.kind')} name="branch.kind" error={action.error}>
          {(p) => (
            <select
              {...p}
              value={kind}
              onChange={(e) => isKind(e.target.value) && setKind(e.target.value)}
            >
              {kinds.map((k) => (
                <option key={k} value={k}>
                  {t(`kind.${k}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <TextField
          label={t('deviceName')}
          name="deviceName"
          error={action.error}
          value={deviceName}
          onChange={setDeviceName}
        />
      </div>
      <h2>{t('init.admin')}</h2>
      <div className="form-grid">
        <AdminFields value={admin} onChange={setAdmin} error={action.error} />
      </div>
      <div className="form-actions">
        <button type="submit" className="btn primary" disabled={action.busy}>
          {t('init.submit')} <kbd>Enter</kbd>
        </button>
        <button type="button" className="btn" onClick={onBack}>
          {t('back')} <kbd>Esc</kbd>
        </button>
      </div>
    </form>
  );
}
