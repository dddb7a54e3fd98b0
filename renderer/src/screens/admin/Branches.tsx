// Admin: head office, factories and shops. A branch's code starts its order numbers (SH01-…).
import { useState } from 'react';
import { useAction, useClient, useQuery } from '../../app-context';
import { ErrorBanner, Notice } from '../../components/Banner';
import { Field, TextField } from '../../components/Field';
import { branchKindLabel, branchKinds, type BranchKind } from '../../../../core/vocabulary';

const isKind = (k: string): k is BranchKind => branchKinds.some((known) => known === k);

export function Branches() {
  const client = useClient();
  const branches = useQuery(() => client.call('branches.list', {}), []);
  const [code, setCode] = useState('');
  const [name, setName] = useState('');
  const [kind, setKind] = useState<BranchKind>('shop');
  const [message, setMessage] = useState<string | null>(null);
  const action = useAction();

  const create = async () => {
    const ok = await action.run(() => client.call('branches.create', { code, name, kind }));
    if (ok) {
      setMessage(`${name} (${code}) added.`);
      setCode('');
      setName('');
      branches.reload();
    }
  };

  return (
    <div className="screen">
      <header className="screen-head">
        <h1>Branches</h1>
        <p className="muted">
          Each shop and factory works on its own PC and syncs with head office.
        </p>
      </header>
      {message && <Notice kind="success">{message}</Notice>}
      <ErrorBanner error={branches.error} />
      <form
        className="panel inline-form"
        aria-label="New branch"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void create();
        }}
      >
        <h2>New branch</h2>
        <ErrorBanner error={action.error} shown={['code', 'name', 'kind']} />
        <div className="form-grid">
          <TextField
            label="Code"
            name="code"
            error={action.error}
            hint="2–10 capitals or digits, like SH03"
            value={code}
            onChange={(v) => setCode(v.toUpperCase())}
          />
          <TextField
            label="Name"
            name="name"
            error={action.error}
            value={name}
            onChange={setName}
          />
          <Field label="Kind" name="kind" error={action.error}>
            {(p) => (
              <select
                {...p}
                value={kind}
                onChange={(e) => isKind(e.target.value) && setKind(e.target.value)}
              >
                {Object.entries(branchKindLabel).map(([k, label]) => (
                  <option key={k} value={k}>
                    {label}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
        <div className="form-actions">
          <button type="submit" className="btn primary" disabled={action.busy}>
            Add branch <kbd>Enter</kbd>
          </button>
        </div>
      </form>
      <table className="table">
        <thead>
          <tr>
            <th>Code</th>
            <th>Name</th>
            <th>Kind</th>
            <th>State</th>
          </tr>
        </thead>
        <tbody>
          {(branches.data ?? []).map((b) => (
            <tr key={b.id}>
              <td className="sku">{b.code}</td>
              <td className="strong">{b.name}</td>
              <td>{branchKindLabel[b.kind]}</td>
              <td>{b.active ? 'Active' : 'Closed'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
