// A list of purchase orders that opens one order's page in its place and, on coming back, puts the
// focus where it was (the order's number), or on the list's heading when that is gone or hidden.
import { useRef, useState } from 'react';

export function useOrderPage(heading: string, onBack: () => void) {
  const [open, setOpen] = useState<string | null>(null);
  const opener = useRef<HTMLElement | null>(null);
  return {
    /** The order whose page is shown, if any. */
    open,
    /** Opens an order from the list; Esc on its page comes back to the element that opened it. */
    openFromList(orderId: string) {
      opener.current =
        document.activeElement instanceof HTMLElement ? document.activeElement : null;
      setOpen(orderId);
    },
    /** Opens an order made just now (nothing in the list opened it). */
    openNew(orderId: string) {
      opener.current = null;
      setOpen(orderId);
    },
    back() {
      setOpen(null);
      onBack();
      setTimeout(() => {
        const el = opener.current;
        if (el?.isConnected && el.offsetParent !== null) el.focus();
        else document.querySelector<HTMLElement>(heading)?.focus();
      }, 0);
    },
  };
}
