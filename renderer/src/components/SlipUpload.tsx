// Attaching a payment slip: pick a file or drop it, see what it is, send it. The core checks
// the bytes (JPEG, PNG or PDF, at most 10 MB) and says plainly when a file is not a slip.
import { useState, type DragEvent } from 'react';
import { useAction, useClient } from '../app-context';
import { fieldMessage } from '../errors';
import { fileSize } from '../format';
import { fileToBase64, useObjectUrl } from '../files';
import { useT } from '../i18n';
import { ErrorBanner } from './Banner';

const slipFields = ['file', 'fileName', 'contentBase64'];

export function PdfIcon() {
  return (
    <svg className="pdf-icon" viewBox="0 0 40 48" aria-hidden="true">
      <path d="M4 2h22l10 10v34H4z" fill="#fff" stroke="#b91c1c" strokeWidth="2" />
      <path d="M26 2v10h10" fill="none" stroke="#b91c1c" strokeWidth="2" />
      <rect x="2" y="26" width="30" height="12" rx="2" fill="#b91c1c" />
      <text x="17" y="35.5" textAnchor="middle" fontSize="9" fontWeight="700" fill="#fff">
        PDF
      </text>
    </svg>
  );
}

export function SlipUpload({ orderId, onAttached }: { orderId: string; onAttached(): void }) {
  const client = useClient();
  const t = useT('orders');
  const [file, setFile] = useState<File | null>(null);
  const [over, setOver] = useState(false);
  const action = useAction();
  const isImage = file !== null && file.type.startsWith('image/');
  const preview = useObjectUrl(isImage ? file : null);
  const message = slipFields.map((f) => fieldMessage(action.error, f)).find(Boolean);

  const choose = (f: File | undefined) => {
    if (!f) return;
    setFile(f);
    action.setError(undefined);
  };
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    choose(e.dataTransfer.files[0]);
  };
  const submit = async () => {
    if (!file) return;
    const done = await action.run(async () =>
      client.call('orders.attachSlip', {
        orderId,
        fileName: file.name,
        contentBase64: await fileToBase64(file),
      }),
    );
    if (done) {
      setFile(null);
      onAttached();
    }
  };

  return (
    <form
      className="slip-upload"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
      onKeyDown={(e) => {
        if (e.key === 'Escape' && file) {
          e.preventDefault();
          setFile(null);
        }
      }}
    >
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
              <img src={preview} alt={t('slip.preview', { name: file.name })} />
            ) : (
              <PdfIcon />
            )}
            <div>
              <strong>{file.name}</strong>
              <div className="muted">{fileSize(file.size)}</div>
            </div>
          </div>
        ) : (
          <p>{t('slip.drop')}</p>
        )}
        <label className="btn">
          {file ? t('slip.chooseAnother') : t('slip.choose')}
          <input
            type="file"
            className="sr-only"
            aria-label={t('slip.file')}
            accept="image/png,image/jpeg,application/pdf"
            onChange={(e) => choose(e.target.files?.[0])}
          />
        </label>
        {message && (
          <p className="field-error" role="alert">
            {message}
          </p>
        )}
      </div>
      <ErrorBanner error={action.error} shown={slipFields} />
      <div className="form-actions">
        <button type="submit" className="btn primary" disabled={!file || action.busy}>
          {action.busy ? t('slip.busy') : t('slip.attach')}
        </button>
        {file && <span className="muted">{t('slip.escClears')}</span>}
      </div>
    </form>
  );
}
