// Attaching a payment slip: pick a file or drop it, see what it is, send it. The core checks
// the bytes (JPEG, PNG or PDF, at most 10 MB) and says plainly when a file is not a slip.
import { useAction, useClient } from '../app-context';
import { fileToBase64 } from '../files';
import { useT } from '../i18n';
import { ErrorBanner } from './Banner';
import { FileDrop, fileFields, useChosenFile } from './FileDrop';

export function SlipUpload({ orderId, onAttached }: { orderId: string; onAttached(): void }) {
  const client = useClient();
  const t = useT('orders');
  const action = useAction();
  const chosen = useChosenFile(() => action.setError(undefined));
  const { file } = chosen;

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
      chosen.clear();
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
      onKeyDown={chosen.onKeyDown}
    >
      <FileDrop
        chosen={chosen}
        error={action.error}
        accept="image/png,image/jpeg,application/pdf"
        words={{
          drop: t('slip.drop'),
          choose: t('slip.choose'),
          chooseAnother: t('slip.chooseAnother'),
          file: t('slip.file'),
          preview: (name) => t('slip.preview', { name }),
        }}
      />
      <ErrorBanner error={action.error} shown={fileFields} />
      <div className="form-actions">
        <button type="submit" className="btn primary" disabled={!file || action.busy}>
          {action.busy ? t('slip.busy') : t('slip.attach')}
        </button>
        {file && <span className="muted">{t('slip.escClears')}</span>}
      </div>
    </form>
  );
}
