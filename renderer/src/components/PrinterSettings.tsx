// This PC's receipt printer: none, a network receipt printer (its address and port, 58 or 80 mm
// paper), a USB or serial one (its port: /dev/usb/lp0, COM3), or PDF for the system printer. Saved on this computer only; the counter prints after
// every sale by what is set here.
import { useState } from 'react';
import { useAction, useClient, useQuery, useSeed } from '../app-context';
import { useT } from '../i18n';
import { ErrorBanner, Notice } from './Banner';
import { Field, TextField } from './Field';

const fields = ['kind', 'host', 'port', 'path', 'paperWidth'];
type Kind = 'none' | 'network' | 'port' | 'pdf';
const kinds: readonly Kind[] = ['none', 'network', 'port', 'pdf'];
const isKind = (v: string): v is Kind => kinds.some((k) => k === v);

export function PrinterSettings() {
  const t = useT('receipts');
  const client = useClient();
  const saved = useQuery(() => client.call('receipts.printer', {}), []);
  const [kind, setKind] = useState<Kind>('none');
  const [host, setHost] = useState('');
  const [path, setPath] = useState('');
  const [port, setPort] = useState('9100');
  const [paperWidth, setPaperWidth] = useState<58 | 80>(80);
  const [done, setDone] = useState(false);
  const action = useAction();

  useSeed(saved.data, (printer) => {
    setKind(printer.kind);
    setHost(printer.host);
    setPath(printer.path);
    setPort(String(printer.port));
    setPaperWidth(printer.paperWidth);
  });

  const submit = async () => {
    setDone(false);
    const result = await action.run(() =>
      client.call('receipts.savePrinter', {
        kind,
        host,
        path,
        port: port.trim() === '' ? NaN : Number(port),
        paperWidth,
        ...(saved.data && { timeoutMs: saved.data.timeoutMs }),
      }),
    );
    if (result) setDone(true);
  };

  return (
    <form
      className="panel"
      aria-label={t('printer.title')}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <h2>{t('printer.title')}</h2>
      <p className="muted">{t('printer.intro')}</p>
      {done && <Notice kind="success">{t('printer.saved')}</Notice>}
      <ErrorBanner error={action.error ?? saved.error} shown={fields} />
      <div className="form-grid">
        <Field label={t('printer.kind')} name="kind" error={action.error}>
          {(p) => (
            <select
              {...p}
              value={kind}
              onChange={(e) => setKind(isKind(e.target.value) ? e.target.value : 'none')}
            >
              {kinds.map((k) => (
                <option key={k} value={k}>
                  {t(`printer.kinds.${k}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
        {kind === 'network' && (
          <>
            <TextField
              label={t('printer.host')}
              name="host"
              error={action.error}
              hint={t('printer.hostHint')}
              value={host}
              onChange={setHost}
            />
            <TextField
              label={t('printer.port')}
              name="port"
              error={action.error}
              type="number"
              step={1}
              value={port}
              onChange={setPort}
            />
          </>
        )}
        {kind === 'port' && (
          <TextField
            label={t('printer.path')}
            name="path"
            error={action.error}
            hint={t('printer.pathHint')}
            value={path}
            onChange={setPath}
          />
        )}
        {(kind === 'network' || kind === 'port') && (
          <Field label={t('printer.paperWidth')} name="paperWidth" error={action.error}>
            {(p) => (
              <select
                {...p}
                value={paperWidth}
                onChange={(e) => setPaperWidth(e.target.value === '58' ? 58 : 80)}
              >
                <option value={80}>80 mm</option>
                <option value={58}>58 mm</option>
              </select>
            )}
          </Field>
        )}
      </div>
      <div className="form-actions">
        <button type="submit" className="btn" disabled={action.busy}>
          {t('printer.save')}
        </button>
      </div>
    </form>
  );
}
