// Admin: head office, factories and shops. A branch's code starts its order numbers (SH01-…), so
// it never changes; the name does. Archiving hides a branch from pickers and keeps its history;
// the core refuses it while the books show stock there (decision 0024).
import { useState } from 'react';
import { useAction, useClient, useQuery } from '../../app-context';
import type { OutputOf } from '../../client';
import { ErrorBanner, Notice } from '../../components/Banner';
import { Field, TextField } from '../../components/Field';
import { useT } from '../../i18n';
import { branchKinds, type BranchKind } from '../../../../core/vocabulary';

type Branch = OutputOf<'branches.list'>[number];

const isKind = (k: string): k is BranchKind => branchKinds.some((known) => known === k);

function BranchRow({ b, onSaved }: { b: Branch; onSaved(message: string): void }) {
  const t = useT('admin');
  const client = useClient();
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState(b.name);
  const action = useAction();
  const save = async (input: { name?: string; active?: boolean }, message: string) => {
    const ok = await action.run(() => client.call('branches.update', { id: b.id, ...input }));
    if (ok) {
      setEditing(false);
      onSaved(message);
    }
  };
  return (
    <>
      <tr data-code={b.code} className={b.active ? undefined : 'muted'}>
        <td className="sku">{b.code}</td>
        <td className="strong">
          {editing ? (
            <form
              className="row-form"
              noValidate
              aria-label={t('branches.rename', { code: b.code })}
              onSubmit={(e) => {
                e.preventDefault();
                void save({ name }, t('branches.saved', { name }));
              }}
              onKeyDown={(e) => {
                if (e.key === 'Escape') {
                  e.preventDefault();
                  setEditing(false);
                }
              }}
            >
              <TextField
                label={t('branches.name')}
                hideLabel
                name="name"
                autoFocus
                error={action.error}
                value={name}
                onChange={setName}
              />
              <button type="submit" className="btn small primary" disabled={action.busy}>
                {t('save')}
              </button>
            </form>
          ) : (
            b.name
          )}
        </td>
        <td>{t(`kind.${b.kind}`)}</td>
        <td>{b.active ? t('state.active') : t('state.archived')}</td>
        <td className="actions">
          {!editing && (
            <button type="button" className="btn small" onClick={() => setEditing(true)}>
              {t('edit')}
            </button>
          )}
          <button
            type="button"
            className="btn small"
            disabled={action.busy}
            onClick={() =>
              void save(
                { active: !b.active },
                t(b.active ? 'branches.archivedDone' : 'branches.restoredDone', { name: b.name }),
              )
            }
          >
            {b.active ? t('archive') : t('restore')}
          </button>
        </td>
      </tr>
      {action.error !== undefined && (
        <tr>
          <td colSpan={5}>
            <ErrorBanner error={action.error} shown={editing ? ['name'] : []} />
          </td>
        </tr>
      )}
    </>
  );
}

export function Branches() {
  const t = useT('admin');
  const client = useClient();
  const [showArchived, setShowArchived] = useState(false);
  const branches = useQuery(
    () => client.call('branches.list', { includeArchived: showArchived }),
    [showArchived],
  );
  const [code, setCode] = useState('');
  const [name, setName] = useState('');
  const [kind, setKind] = useState<BranchKind>('shop');
  const [message, setMessage] = useState<string | null>(null);
  const action = useAction();

  const create = async () => {
    const ok = await action.run(() => client.call('branches.create', { code, name, kind }));
    if (ok) {
      setMessage(t('branches.added', { name, code }));
      setCode('');
      setName('');
      branches.reload();
    }
  };

  return (
    <div className="screen">
      <header className="screen-head">
        <h1>{t('branches.title')}</h1>
        <p className="muted">{t('branches.intro')}</p>
      </header>
      {message && <Notice kind="success">{message}</Notice>}
      <ErrorBanner error={branches.error} />
      <form
        className="panel inline-form"
        aria-label={t('branches.new')}
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void create();
        }}
      >
        <h2>{t('branches.new')}</h2>
        <ErrorBanner error={action.error} shown={['code', 'name', 'kind']} />
        <div className="form-grid">
          <TextField
            label={t('branches.code')}
            name="code"
            error={action.error}
            hint={t('branches.codeHint')}
            value={code}
            onChange={(v) => setCode(v.toUpperCase())}
          />
          <TextField
            label={t('branches.name')}
            name="name"
            error={action.error}
            value={name}
            onChange={setName}
          />
          <Field label={t('branches.kind')} name="kind" error={action.error}>
            {(p) => (
              <select
                {...p}
                value={kind}
                onChange={(e) => isKind(e.target.value) && setKind(e.target.value)}
              >
                {branchKinds.map((k) => (
                  <option key={k} value={k}>
                    {t(`kind.${k}`)}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
        <div className="form-actions">
          <button type="submit" className="btn primary" disabled={action.busy}>
            {t('branches.add')} <kbd>Enter</kbd>
          </button>
        </div>
      </form>
      <div className="toolbar">
        <label className="check">
          <input
            type="checkbox"
            checked={showArchived}
            onChange={(e) => setShowArchived(e.target.checked)}
          />
          {t('showArchived')}
        </label>
      </div>
      <table className="table">
        <thead>
          <tr>
            <th>{t('branches.code')}</th>
            <th>{t('branches.name')}</th>
            <th>{t('branches.kind')}</th>
            <th>{t('state.title')}</th>
            <th>{t('actions')}</th>
          </tr>
        </thead>
        <tbody>
          {(branches.data ?? []).map((b) => (
            <BranchRow
              key={`${b.id}-${b.name}-${b.active}`}
              b={b}
              onSaved={(m) => {
                setMessage(m);
                branches.reload();
              }}
            />
          ))}
        </tbody>
      </table>
    </div>
  );
}
