// "Link my Telegram", for everyone signed in: a one-time code to send the bot as `/link CODE`
// in a private chat, so its buttons (finance's "Verify") know who pressed them.
import { useState } from 'react';
import { useClient } from '../app-context';
import type { OutputOf } from '../client';
import { bannerMessage, isCode } from '../errors';
import { dateTime } from '../format';
import { useT } from '../i18n';
import { ErrorBanner, Notice } from './Banner';

type LinkCode = OutputOf<'telegram.linkCode'>;

export type LinkTelegramOutcome = LinkCode | { error: unknown };

export function LinkTelegramButton({ onResult }: { onResult(r: LinkTelegramOutcome): void }) {
  const t = useT('ops');
  const client = useClient();
  const [busy, setBusy] = useState(false);
  return (
    <button
      type="button"
      className="btn small"
      disabled={busy}
      onClick={() => {
        setBusy(true);
        client
          .call('telegram.linkCode', {})
          .then(onResult, (error: unknown) => onResult({ error }))
          .finally(() => setBusy(false));
      }}
    >
      {t('link.button')}
    </button>
  );
}

/** The code, or why there is none, shown above the screen until it is closed. */
export function LinkTelegramResult({
  result,
  onClose,
}: {
  result: LinkTelegramOutcome;
  onClose(): void;
}) {
  const t = useT('ops');
  const close = (
    <button type="button" className="btn small" onClick={onClose}>
      {t('link.close')}
    </button>
  );
  if ('error' in result) {
    const e = result.error;
    return (
      <div role="region" aria-label={t('link.button')}>
        {isCode(e, 'INVALID_STATE') && e instanceof Error ? (
          <Notice kind="info">
            {bannerMessage(e)} {close}
          </Notice>
        ) : (
          <>
            <ErrorBanner error={e} />
            {close}
          </>
        )}
      </div>
    );
  }
  return (
    <div role="region" aria-label={t('link.button')}>
      <Notice kind="success">
        {t('link.code')} <strong className="mono">{result.code}</strong>.{' '}
        {t('link.send', {
          bot: result.botUsername ? `@${result.botUsername}` : t('link.theBot'),
          before: dateTime(result.expiresAt),
        })}{' '}
        <strong className="mono">/link {result.code}</strong>
        {result.deepLink && (
          <>
            {' '}
            {t('link.orOpen')}{' '}
            <a href={result.deepLink} target="_blank" rel="noreferrer">
              {result.deepLink}
            </a>
            .
          </>
        )}{' '}
        {close}
      </Notice>
    </div>
  );
}
