// A list screen that shows one other view in the list's place (a record's page, a form) and, on
// coming back, puts the focus where it was (the button that opened the view), or on `fallback`
// (a selector: the list's heading or first box) when that is gone or hidden.
import { useRef, useState } from 'react';

export function useListViews<V extends { kind: string }>(list: V, fallback?: string) {
  const [view, setView] = useState<V>(list);
  const opener = useRef<HTMLElement | null>(null);
  return {
    view,
    /** Shows a view without touching where the focus comes back to (a record made just now). */
    setView,
    /** Opens a view from the list; coming back puts the focus on what opened it. */
    open(next: V) {
      opener.current =
        document.activeElement instanceof HTMLElement ? document.activeElement : null;
      setView(next);
    },
    /** Back to the list, the focus where it was. */
    back() {
      setView(list);
      setTimeout(() => {
        const el = opener.current;
        if (el?.isConnected && el.offsetParent !== null) el.focus();
        else if (fallback) document.querySelector<HTMLElement>(fallback)?.focus();
      }, 0);
    },
  };
}
