// The payment slip as finance needs to read it: large, image or PDF, from a blob: URL.
import { useMemo } from 'react';
import { useClient, useQuery } from '../app-context';
import { base64ToBlob, useObjectUrl } from '../files';
import { ErrorBanner } from './Banner';

export function SlipView({ orderId, fileHash }: { orderId: string; fileHash?: string }) {
  const client = useClient();
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
  if (!url || !slip.data) return <div className="slip-large placeholder">Loading the slip…</div>;
  return (
    <figure className="slip-large">
      {slip.data.mime === 'application/pdf' ? (
        <iframe src={url} title={`Payment slip ${slip.data.originalName}`} />
      ) : (
        <img src={url} alt={`Payment slip ${slip.data.originalName}`} />
      )}
      <figcaption>
        {slip.data.originalName} ·{' '}
        <a href={url} download={slip.data.originalName}>
          Save
        </a>
      </figcaption>
    </figure>
  );
}
