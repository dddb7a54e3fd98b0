// Errors that are not about one field, and short notices, at the top of a form or screen.
import type { ReactNode } from 'react';
import { bannerMessage } from '../errors';
import { useT } from '../i18n';

export function ErrorBanner({ error, shown = [] }: { error: unknown; shown?: readonly string[] }) {
  useT('errors'); // says it again in the new language when the person switches
  const message = bannerMessage(error, shown);
  if (!message) return null;
  return (
    <div className="banner banner-error" role="alert">
      {message}
    </div>
  );
}

export function Notice({
  kind = 'info',
  children,
}: {
  kind?: 'info' | 'success' | 'warning';
  children: ReactNode;
}) {
  return (
    <div className={`banner banner-${kind}`} role="status">
      {children}
    </div>
  );
}
