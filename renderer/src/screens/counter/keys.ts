// The counter's own keys, beside the payment step's F1–F4 and the shell's Alt+letters for
// screens: F6 the customer (Shift+F6 lets them go), F7 a discount on the line in hand (the one
// whose quantity box has the focus, else the one scanned last), F8 a discount on the whole sale,
// F9 the customer's points, F12 the payment step (from the scan box too, where Enter only looks up
// a code: a scanner that ends its codes with CR LF must not open a payment), Alt+H a shift. Heard
// on the window, so they work wherever the focus is on the screen; a dialog keeps its keys to
// itself.
import { useEffect } from 'react';
import type { DraftLine } from '../../components/LinesTable';
import type { FoundCustomer } from './deal';

export type CounterDialog =
  | { kind: 'customer' }
  | { kind: 'lineDiscount'; line: number }
  | { kind: 'saleDiscount' }
  | { kind: 'redeem' };

interface CounterKeys {
  /** False while paying, asking, or a dialog is open. */
  enabled: boolean;
  lines: DraftLine[];
  lastVariant: string | null;
  customer: FoundCustomer | null;
  canRedeem: boolean;
  open(dialog: CounterDialog): void;
  detach(): void;
  openShift(): void;
  /** The payment step for the lines on the sale (as Enter in a quantity box). */
  pay(): void;
}

/**
 * The line the clerk is on: its row has the focus, else the one scanned last, else the last. By
 * the row's place, as a variant weighed twice has two lines.
 */
function lineInHand(lines: DraftLine[], lastVariant: string | null): number {
  const row = document.activeElement?.closest<HTMLElement>('tr[data-sku]')?.dataset.line;
  const focused = row === undefined ? -1 : Number(row);
  if (focused >= 0 && focused < lines.length) return focused;
  const last = lines.findLastIndex((l) => l.variantId === lastVariant);
  return last >= 0 ? last : lines.length - 1;
}

export function useCounterKeys(keys: CounterKeys): void {
  useEffect(() => {
    if (!keys.enabled) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.ctrlKey || e.metaKey) return;
      const plain = !e.altKey && !e.shiftKey;
      if (e.key === 'F6' && plain) keys.open({ kind: 'customer' });
      else if (e.key === 'F6' && e.shiftKey && !e.altKey && keys.customer) keys.detach();
      else if (e.key === 'F7' && plain && keys.lines.length > 0)
        keys.open({ kind: 'lineDiscount', line: lineInHand(keys.lines, keys.lastVariant) });
      else if (e.key === 'F8' && plain && keys.lines.length > 0)
        keys.open({ kind: 'saleDiscount' });
      else if (e.key === 'F9' && plain && keys.canRedeem) keys.open({ kind: 'redeem' });
      else if (e.key === 'F12' && plain && keys.lines.length > 0) keys.pay();
      else if (e.altKey && !e.shiftKey && e.code === 'KeyH') keys.openShift();
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });
}
