// A purchase order's live card in the purchasing group (decision 0032): where it stands, from
// whom, for which branch, its total in the supplier's and the company's money, its lines (as
// many as fit) and its steps. Pure: the server sends what this returns. Everything people typed
// is escaped, and the card is fitted to Telegram's 4096 characters.
import { formatAmount, type Currency } from '../locale/amounts';
import { formatDateTime } from '../pdf/layout';
import type { PurchaseDetail } from '../purchasing/orders';
import { escapeCut, escapeHtml, telegramLimits, truncateHtml } from './html';
import type { RenderedCard } from './card';

const statusWords: Record<PurchaseDetail['status'], string> = {
  draft: '📝 Draft, to review',
  awaiting_second: '⏳ Awaiting a second approval',
  approved: '✅ Approved, to send to the supplier',
  partly_received: '📦 Partly received',
  received: '✅ Received',
  closed: '⛔ Closed',
};

const stepWords: Record<string, string> = {
  drafted: 'drafted',
  revised: 'changed',
  first_approval: 'first approval',
  approved: 'approved',
  received: 'goods received',
  closed: 'closed',
};

const amount = (minor: number, code: string, minorUnits: number) =>
  `${escapeHtml(code)} ${formatAmount(minor, minorUnits)}`;

export interface PurchaseCardOptions {
  /** The company's currency: the total is shown in it too. */
  currency: Currency;
  /** Minor units of the supplier's currency. */
  supplierMinorUnits: number;
  timeZone?: string;
}

export function renderPurchaseCard(order: PurchaseDetail, opts: PurchaseCardOptions): RenderedCard {
  const limit = telegramLimits.message;
  const title = order.number
    ? `🛒 <b>Purchase order ${escapeHtml(order.number)}</b>`
    : `🛒 <b>Purchase order (draft)</b>`;
  const money = (minor: number) => amount(minor, order.currencyCode, opts.supplierMinorUnits);
  const inCompany =
    order.currencyCode !== opts.currency.code
      ? order.rate
        ? ` (${amount(order.totalCompany, opts.currency.code, opts.currency.minorUnits)} at ${escapeHtml(order.rate)})`
        : ' (no exchange rate yet)'
      : '';
  const head = [
    title,
    statusWords[order.status],
    `Supplier: ${escapeCut(order.supplierName, 120)}`,
    `Deliver to: ${escapeCut(order.branchName, 80)} (${escapeHtml(order.branchCode)})`,
    `${order.source === 'nightly' ? 'Suggested by the nightly run' : 'Made by hand'} · ${escapeHtml(formatDateTime(order.createdAt, opts.timeZone))}`,
  ].join('\n');
  const total = [
    `<b>Total: ${money(order.total)}</b>${inCompany}`,
    ...(order.closedReason ? [`Closed: ${escapeCut(order.closedReason, 300)}`] : []),
    ...(order.note ? [`Note: ${escapeCut(order.note, 300)}`] : []),
  ].join('\n');
  const steps = order.timeline
    .slice(-6)
    .map(
      (t) =>
        `${escapeHtml(formatDateTime(t.at, opts.timeZone))} · ${escapeHtml(stepWords[t.step] ?? t.step)}${t.by ? ` · ${escapeCut(t.by, 60)}` : ''}${t.note ? ` — ${escapeCut(t.note, 200)}` : ''}`,
    );
  const timeline = ['<b>Steps</b>', ...steps].join('\n');
  const more = (n: number) => `… and ${n} more line${n === 1 ? '' : 's'}: see the PDF or the app`;
  let budget =
    limit - head.length - total.length - timeline.length - more(order.lines.length).length - 8;
  const shown: string[] = [];
  for (const l of order.lines) {
    const received =
      l.received > 0
        ? ` · received ${formatAmount(l.received, 0)} of ${formatAmount(l.quantity, 0)}`
        : '';
    const text = `${l.lineNo}. ${escapeCut(l.name, 80)} · ${escapeCut(l.sku, 40)} — ${formatAmount(l.quantity, 0)} × ${money(l.price)}${received}`;
    if (text.length + 1 > budget) break;
    shown.push(text);
    budget -= text.length + 1;
  }
  const hidden = order.lines.length - shown.length;
  const lines = [...shown, ...(hidden > 0 ? [more(hidden)] : [])].join('\n');
  return {
    text: truncateHtml(`${head}\n\n${lines}\n${total}\n\n${timeline}`, limit),
    replyMarkup: { inline_keyboard: [] },
  };
}

/** The caption of the order's PDF. */
export function purchaseCaption(order: PurchaseDetail, supplierMinorUnits: number): string {
  return truncateHtml(
    [
      `🛒 <b>Purchase order ${escapeHtml(order.number ?? '')}</b>`,
      `${escapeCut(order.supplierName, 120)} · ${amount(order.total, order.currencyCode, supplierMinorUnits)}`,
      `Deliver to ${escapeCut(order.branchName, 80)}`,
    ].join('\n'),
    telegramLimits.caption,
  );
}
