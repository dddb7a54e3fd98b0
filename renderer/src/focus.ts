// Where the focus goes when a part of a screen closes, without taking it from a clerk who is
// already typing somewhere else: keys go before timers.

/** Nothing has the focus: what closed took it with it, and nobody has put it anywhere since. */
export const focusIsFree = (): boolean =>
  document.activeElement === null || document.activeElement === document.body;

/**
 * Once the screen has drawn the list again: the focus back on `opener` (where the clerk was when
 * they left the list) if it is still on the page, else on the first of `fallback`. Skipped if the
 * clerk put the focus somewhere meanwhile (a "/" pressed at once is in the search box, and stays).
 */
export function focusBackLater(opener: HTMLElement | null, fallback: string): void {
  setTimeout(() => {
    if (!focusIsFree()) return;
    if (opener?.isConnected && opener.offsetParent !== null) opener.focus();
    else document.querySelector<HTMLElement>(fallback)?.focus();
  }, 0);
}
