// Uploading a supplier's invoice: pick the file or drop it, see what it is, send it. The core
// checks the bytes (a PDF, JPEG or PNG of at most 10 MB, whatever its name says) and says plainly
// what is wrong with a file it refuses; the same file twice is the invoice already here.
import { useState } from 'react';
import { useAction, useClient } from '../../app-context';
import { ErrorBanner, Notice } from '../../components/Banner';
import { FileDrop, fileFields, useChosenFile } from '../../components/FileDrop';
import { fileToBase64 } from '../../files';
import { useT } from '../../i18n';

export function InvoiceUpload({ onUploaded }: { onUploaded(invoiceId: string): void }) {
  const client = useClient();
  const t = useT('invoices');
  const [done, setDone] = useState<{ name: string; already: boolean } | null>(null);
  const action = useAction();
  const chosen = useChosenFile(() => {
    setDone(null);
    action.setError(undefined);
  });
  const { file } = chosen;

  const submit = async () => {
    if (!file) {
      chosen.input.current?.click();
      return;
    }
    const sent = await action.run(async () =>
      client.call('invoices.upload', {
        fileName: file.name,
        contentBase64: await fileToBase64(file),
      }),
    );
    if (sent) {
      setDone({ name: file.name, already: sent.already });
      chosen.clear();
      onUploaded(sent.invoiceId);
    }
  };

  return (
    <form
      className="panel invoice-upload"
      aria-label={t('upload.title')}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
      onKeyDown={chosen.onKeyDown}
    >
      <h2>{t('upload.title')}</h2>
      <FileDrop
        chosen={chosen}
        error={action.error}
        accept="application/pdf,image/jpeg,image/png"
        words={{
          drop: t('upload.drop'),
          choose: t('upload.choose'),
          chooseAnother: t('upload.chooseAnother'),
          file: t('upload.file'),
          preview: (name) => t('upload.preview', { name }),
        }}
      />
      <ErrorBanner error={action.error} shown={fileFields} />
      {done && (
        <Notice kind="success">
          <span data-uploaded>
            {done.already
              ? t('upload.already', { name: done.name })
              : t('upload.done', { name: done.name })}
          </span>
        </Notice>
      )}
      <div className="form-actions">
        <button type="submit" className="btn primary" disabled={!file || action.busy} data-upload>
          {action.busy ? t('upload.busy') : t('upload.send')}
        </button>
        {file && <span className="muted">{t('upload.escClears')}</span>}
      </div>
    </form>
  );
}
