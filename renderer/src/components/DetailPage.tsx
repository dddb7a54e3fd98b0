// One record's page, opened in its list's place (a purchase order, a supplier invoice): its
// heading with a line under it, Back (Esc, unless a box inside took the Esc first), what was just
// done, and why the record could not be loaded. The page's own parts go below.
import { useCallback, useState, type ReactNode, type RefObject } from 'react';
import { ErrorBanner, Notice } from './Banner';

/**
 * What the page was last told was done, and a tick that loads the record again. `changed` says it
 * and moves the focus to it, so a screen reader reads it out; `pageClass` names the page's box.
 */
export function useDetailPage(pageClass: string) {
  const [tick, setTick] = useState(0);
  const [said, setSaid] = useState<string | null>(null);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  return {
    tick,
    said,
    /** The same function from render to render, for a timer's effect to depend on. */
    reload,
    changed(what: string) {
      setSaid(what);
      setTick((n) => n + 1);
      window.setTimeout(
        () => document.querySelector<HTMLElement>(`.${pageClass} [data-said]`)?.focus(),
        0,
      );
    },
  };
}

export function DetailPage({
  pageClass,
  headingId,
  headingRef,
  title,
  subtitle,
  back,
  onBack,
  said,
  error,
  children,
}: {
  pageClass: string;
  headingId: string;
  headingRef: RefObject<HTMLHeadingElement | null>;
  /** Text, or text with a status badge beside it. */
  title: ReactNode;
  subtitle?: ReactNode;
  back: string;
  onBack(): void;
  said: string | null;
  error: unknown;
  children: ReactNode;
}) {
  return (
    <div
      className={pageClass}
      onKeyDown={(e) => {
        if (e.key === 'Escape' && !e.defaultPrevented) {
          e.preventDefault();
          onBack();
        }
      }}
    >
      <header className="screen-head row">
        <div>
          <h1 ref={headingRef} tabIndex={-1} id={headingId}>
            {title}
          </h1>
          {subtitle && <p className="muted">{subtitle}</p>}
        </div>
        <span className="grow" />
        <button type="button" className="btn" onClick={onBack}>
          {back} <kbd>Esc</kbd>
        </button>
      </header>
      {said && (
        <div tabIndex={-1} data-said>
          <Notice kind="success">{said}</Notice>
        </div>
      )}
      <ErrorBanner error={error} />
      {children}
    </div>
  );
}
