// Admin at head office: import the catalog, customers or opening stock from a CSV file. A dry run
// lists every row's problems (row, column, what to do) before anything is written; the import
// itself writes every row or, when any row has a problem, nothing (decision 0024).
import { useState } from 'react';
import { useAction, useClient } from '../../app-context';
import type { OutputOf } from '../../client';
import { ErrorBanner, Notice } from '../../components/Banner';
import { Field } from '../../components/Field';
import { count } from '../../format';
import { problemWords } from '../../errors';
import { useT } from '../../i18n';

const kinds = ['catalog', 'customers', 'openingStock'] as const;
type Kind = (typeof kinds)[number];
const isKind = (k: string): k is Kind => kinds.some((known) => known === k);
type Report = OutputOf<'import.catalog'>;

export function Import() {
  const t = useT('admin');
  const client = useClient();
  const [kind, setKind] = useState<Kind>('catalog');
  const [file, setFile] = useState<{ name: string; text: string } | null>(null);
  const [report, setReport] = useState<Report | null>(null);
  const action = useAction();

  const run = async (dryRun: boolean) => {
    if (!file) return;
    setReport(null);
    const done = await action.run(() => client.call(`import.${kind}`, { csv: file.text, dryRun }));
    if (done) setReport(done);
  };

  const chosen = async (f: File | undefined) => {
    setReport(null);
    action.setError(undefined);
    setFile(f ? { name: f.name, text: await f.text() } : null);
  };

  return (
    <div className="screen">
      <header className="screen-head">
        <h1>{t('import.title')}</h1>
        <p className="muted">{t('import.intro')}</p>
      </header>
      <form
        className="panel"
        aria-label={t('import.title')}
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void run(true);
        }}
      >
        <div className="form-grid">
          <Field label={t('import.kind')} name="kind" error={action.error}>
            {(p) => (
              <select
                {...p}
                value={kind}
                onChange={(e) => {
                  if (isKind(e.target.value)) setKind(e.target.value);
                  setReport(null);
                }}
              >
                {kinds.map((k) => (
                  <option key={k} value={k}>
                    {t(`import.kinds.${k}`)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label={t('import.file')} name="csv" error={action.error}>
            {(p) => (
              <input
                {...p}
                type="file"
                accept=".csv,text/csv,text/plain"
                onChange={(e) => void chosen(e.target.files?.[0])}
              />
            )}
          </Field>
        </div>
        <p className="muted">
          {t('import.columnsLabel')} <code>{t(`import.columns.${kind}`)}</code>
        </p>
        <div className="form-actions">
          <button type="submit" className="btn primary" disabled={!file || action.busy}>
            {t('import.check')} <kbd>Enter</kbd>
          </button>
          <button
            type="button"
            className="btn"
            disabled={!file || action.busy || !report || report.issues.length > 0 || !report.dryRun}
            onClick={() => void run(false)}
          >
            {t('import.run')}
          </button>
        </div>
        {action.busy && <p role="status">{t('import.working')}</p>}
      </form>
      <ErrorBanner error={action.error} />
      {report && report.dryRun && report.issues.length === 0 && (
        <Notice kind="success">{t('import.clean', { rows: count(report.rows) })}</Notice>
      )}
      {report && !report.dryRun && (
        <Notice kind="success">{t('import.written', { rows: count(report.written) })}</Notice>
      )}
      {report && report.issues.length > 0 && (
        <section aria-labelledby="import-issues">
          <h2 id="import-issues">
            {t('import.problems', {
              rows: count(new Set(report.issues.map((i) => i.row)).size),
              total: count(report.rows),
            })}
          </h2>
          <table className="table">
            <thead>
              <tr>
                <th className="num">{t('import.row')}</th>
                <th>{t('import.column')}</th>
                <th>{t('import.problem')}</th>
              </tr>
            </thead>
            <tbody>
              {report.issues.map((i, n) => (
                <tr key={n} data-row={i.row}>
                  <td className="num">{i.row}</td>
                  <td className="mono">{i.column}</td>
                  <td>{problemWords(i)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </div>
  );
}
