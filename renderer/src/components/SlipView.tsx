// The payment slip as finance needs to read it: large, image or PDF, from a blob: URL.
import { useMemo } from 'react';
import { useClient, useQuery } from '../app-context';
import { base64ToBlob, useObjectUrl } from '../files';
import { useT } from '../i18n';
import { ErrorBanner } from './Banner';

export function SlipView({ orderId, fileHash }: { orderId: string; fileHash?: string }) {
  const client = useClient();
  const t = useT('orders');
  const slip = useQuery(
    () => client.call('orders.slip', fileHash ? { orderId, fileHash } : { orderId }),
    [orderId, fileHash],
  );
  const blob = useMemo(
    () => (slip.data ? base64ToBlob(slip.data.contentBase64, slip.data.mime) : null),
    [slip.data],
  );
  const url = useObjectUrl(blob);
  if (slip.error) return <ErrorBanner error={slip.error} />;
  if (!url || !slip.data) return <div className="slip-large placeholder">{t('slip.loading')}</div>;
  return (
    <figure className="slip-large">
      {slip.data.mime === 'application/pdf' ? (
        <iframe src={url} title={t('slip.title', { name: slip.data.originalName })} />
      ) : (
        <img src={url} alt={t('slip.title', { name: slip.data.originalName })} />
      )}
      <figcaption>
        {slip.data.originalName} ·{' '}
        <a href={url} download={slip.data.originalName}>
          {t('slip.save')}
        </a>
      </figcaption>
    </figure>
  );
}
