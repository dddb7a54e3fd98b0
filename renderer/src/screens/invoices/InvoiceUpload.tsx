// Uploading a supplier's invoice: pick the file or drop it, see what it is, send it. The core
// checks the bytes (a PDF, JPEG or PNG of at most 20 MB, whatever its name says) and says plainly
// what is wrong with a file it refuses; the same file twice is the invoice already here.
import { useRef, useState, type DragEvent } from 'react';
import { useAction, useClient } from '../../app-context';
import { ErrorBanner, Notice } from '../../components/Banner';
import { PdfIcon } from '../../components/SlipUpload';
import { fieldMessage } from '../../errors';
import { fileSize } from '../../format';
import { fileToBase64, useObjectUrl } from '../../files';
import { useT } from '../../i18n';

const fileFields = ['file', 'fileName', 'contentBase64'];

export function InvoiceUpload({ onUploaded }: { onUploaded(invoiceId: string): void }) {
  const client = useClient();
  const t = useT('invoices');
  const [file, setFile] = useState<File | null>(null);
  const [over, setOver] = useState(false);
  const [done, setDone] = useState<{ name: string; already: boolean } | null>(null);
  const action = useAction();
  const input = useRef<HTMLInputElement>(null);
  const isImage = file !== null && file.type.startsWith('image/');
  const preview = useObjectUrl(isImage ? file : null);
  useT('errors');
  const message = fileFields.map((f) => fieldMessage(action.error, f)).find(Boolean);

  const choose = (f: File | undefined) => {
    if (!f) return;
    setFile(f);
    setDone(null);
    action.setError(undefined);
  };
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    choose(e.dataTransfer.files[0]);
  };
  const submit = async () => {
    if (!file) {
      input.current?.click();
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
      setFile(null);
      if (input.current) input.current.value = '';
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
      onKeyDown={(e) => {
        if (e.key === 'Escape' && file) {
          e.preventDefault();
          e.stopPropagation();
          setFile(null);
        }
      }}
    >
      <h2>{t('upload.title')}</h2>
      <div
        className={`dropzone${over ? ' over' : ''}${message ? ' invalid' : ''}`}
        data-field="file"
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={onDrop}
      >
        {file ? (
          <div className="slip-preview">
            {preview ? (
              <img src={preview} alt={t('upload.preview', { name: file.name })} />
            ) : (
              <PdfIcon />
            )}
            <div>
              <strong data-chosen>{file.name}</strong>
              <div className="muted">{fileSize(file.size)}</div>
            </div>
          </div>
        ) : (
          <p>{t('upload.drop')}</p>
        )}
        <label className="btn">
          {file ? t('upload.chooseAnother') : t('upload.choose')}
          <input
            ref={input}
            type="file"
            className="sr-only"
            aria-label={t('upload.file')}
            accept="application/pdf,image/jpeg,image/png"
            onChange={(e) => choose(e.target.files?.[0])}
          />
        </label>
        {message && (
          <p className="field-error" role="alert" data-upload-error>
            {message}
          </p>
        )}
      </div>
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
