// An order's live status card in a Telegram group, and the captions of its PDFs. Pure: the
// server sends what this returns. Everything people typed is escaped, and the card is fitted to
// Telegram's 4096 characters by showing fewer lines (the order sheet PDF has them all).
import type { OrderDetail } from '../orders/queries';
import { formatDateTime } from '../pdf/layout';
import { formatQuantity } from '../pdf/money';
import { defaultCurrency, formatMoney as formatIn, type Currency } from '../locale/money';
import {
  documentsAvailable,
  documentTitles,
  sentence,
  statusLabel,
  stepLabel,
  type DocumentKind,
  type OrderStatus,
} from '../vocabulary';
import { callbackData } from './callback';
import { escapeCut, escapeHtml, telegramLimits, truncateHtml } from './html';

export { documentTitles } from '../vocabulary';

/** Who reads the card: a shop's or factory's group, or finance (who may reject from it). */
export type CardAudience = 'branch' | 'finance';

export interface InlineButton {
  text: string;
  callback_data: string;
}
export interface InlineKeyboard {
  inline_keyboard: InlineButton[][];
}

export interface RenderedCard {
  /** HTML parse mode. */
  text: string;
  replyMarkup: InlineKeyboard;
}

export interface CardOptions {
  audience: CardAudience;
  timeZone?: string;
  /** The company's currency (core/locale/money companyCurrency); every amount is shown in it. */
  currency?: Currency;
}

const money = (minor: number, currency: Currency | undefined) =>
  formatIn(minor, currency ?? defaultCurrency);

const documentIcons: Record<DocumentKind, string> = {
  order_sheet: '📄',
  payment_proof: '🧾',
  dispatch_note: '🚚',
};

const statusIcons: Record<OrderStatus, string> = {
  placed: '🆕',
  slip_attached: '🧾',
  payment_verified: '✅',
  dispatched: '🚚',
  delivered: '📦',
  cancelled: '❌',
};

/** How much of each free text a card shows (visible characters, then markup once escaped);
 * the PDFs carry the rest. */
const name = (s: string) => bounded(s, 120, 300);
const note = (s: string) => bounded(s, 600, 1200);
const reason = (s: string) => bounded(s, 300, 600);
const stepNote = (s: string) => bounded(s, 120, 240);
const maxTimeline = 10;
/** Room kept for the order lines, however long the rest is. */
const minLinesRoom = 600;

/** Escaped text, cut to `visible` characters and (text full of & < >) to `markup` characters. */
const bounded = (s: string, visible: number, markup: number) =>
  truncateHtml(escapeCut(s, visible), markup);

export const documentFileName = (order: Pick<OrderDetail, 'number'>, kind: DocumentKind) =>
  `${order.number}-${kind.replace('_', '-')}.pdf`;

function headLines(order: OrderDetail, opts: CardOptions): string[] {
  const lines = [
    `${statusIcons[order.status]} <b>Order ${escapeHtml(order.number)}</b>`,
    `Shop: ${name(order.shopName)} (${escapeHtml(order.shopCode)}) · Factory: ${name(order.factoryName)}`,
    `Status: <b>${escapeHtml(sentence(statusLabel[order.status]))}</b>`,
  ];
  if (order.status === 'placed' && order.rejectionReason)
    lines.push(`Payment rejected: ${reason(order.rejectionReason)}`);
  if (order.status === 'cancelled' && order.cancelReason)
    lines.push(`Reason: ${reason(order.cancelReason)}`);
  if (opts.audience === 'finance' && order.status === 'slip_attached')
    lines.push(
      '👉 Check the payment proof. To verify, record the amount, date and bank reference in the app (Payments waiting); or reject the payment below.',
    );
  return lines;
}

function orderLine(line: OrderDetail['lines'][number], currency?: Currency): string {
  const owed = line.quantity - line.dispatchedQty - line.cancelledQty;
  // Once goods move, each line says what went and what is still owed (a backorder).
  const moved =
    line.dispatchedQty > 0 || line.cancelledQty > 0
      ? ` · sent ${formatQuantity(line.dispatchedQty)}${owed > 0 ? `, back-ordered ${formatQuantity(owed)}` : ''}${line.cancelledQty > 0 ? `, cancelled ${formatQuantity(line.cancelledQty)}` : ''}`
      : '';
  return `${line.lineNo}. ${name(line.name)} · ${escapeCut(line.sku, 60)} — ${formatQuantity(line.quantity)} × ${money(line.unitPrice, currency)} = ${money(line.lineTotal, currency)}${moved}`;
}

/** The newest steps that fit in `room` characters, with a word about older ones left out. */
function timelineText(order: OrderDetail, opts: CardOptions, room: number): string {
  const steps = order.timeline.map((t) => {
    const who = t.userName ? ` · ${name(t.userName)}` : '';
    const said =
      t.note && t.step !== 'placed' && t.step !== 'slip_attached' ? ` — ${stepNote(t.note)}` : '';
    return `${escapeHtml(formatDateTime(t.at, opts.timeZone))} · ${escapeHtml(stepLabel(t.step))}${who}${said}`;
  });
  const title = '<b>Timeline</b>';
  const shown: string[] = [];
  let left = room - title.length - 30; // 30: the "… n earlier steps" line
  for (const step of steps.slice().reverse()) {
    if (shown.length === maxTimeline || step.length + 1 > left) break;
    shown.unshift(step);
    left -= step.length + 1;
  }
  const earlier = steps.length - shown.length;
  return [
    title,
    ...(earlier > 0 ? [`… ${earlier} earlier step${earlier === 1 ? '' : 's'}`] : []),
    ...shown,
  ].join('\n');
}

/** The card's text: head, as many order lines as fit, total and note, and the timeline. */
function cardText(order: OrderDetail, opts: CardOptions): string {
  const limit = telegramLimits.message;
  const head = headLines(order, opts).join('\n');
  const items = order.lines.reduce((n, l) => n + l.quantity, 0);
  const total = [
    `<b>Total: ${money(order.total, opts.currency)}</b> (${order.lines.length} line${order.lines.length === 1 ? '' : 's'}, ${formatQuantity(items)} items)`,
    ...(order.paid > 0 && order.paid !== order.total
      ? [`Paid ${money(order.paid, opts.currency)} of ${money(order.total, opts.currency)}`]
      : []),
    ...(order.backordered > 0
      ? [
          `Dispatched ${formatQuantity(order.lines.reduce((n, l) => n + l.dispatchedQty, 0))}, back-ordered ${formatQuantity(order.backordered)}`,
        ]
      : []),
    ...(order.note ? [`Note: ${note(order.note)}`] : []),
  ].join('\n');
  const timeline = timelineText(order, opts, limit - head.length - total.length - minLinesRoom);
  // Every line costs its length plus a newline; keep room to say how many were left out.
  const moreNote = (n: number) => `… and ${n} more line${n === 1 ? '' : 's'}: see the order sheet`;
  const fixed = `${head}\n\n\n${total}\n\n${timeline}`;
  let budget = limit - fixed.length - moreNote(order.lines.length).length - 1;
  const shown: string[] = [];
  for (const line of order.lines) {
    const text = orderLine(line, opts.currency);
    if (text.length + 1 > budget) break;
    shown.push(text);
    budget -= text.length + 1;
  }
  const hidden = order.lines.length - shown.length;
  const lines = [...shown, ...(hidden > 0 ? [moreNote(hidden)] : [])].join('\n');
  // A guard only: the parts above are bounded to fit.
  return truncateHtml(`${head}\n\n${lines}\n${total}\n\n${timeline}`, limit);
}

function keyboard(order: OrderDetail, opts: CardOptions): InlineKeyboard {
  const documents = documentsAvailable(order.status, order.slips.length > 0);
  const rows: InlineButton[][] = [
    documents.map((document) => ({
      text: `${documentIcons[document]} ${documentTitles[document]}`,
      callback_data: callbackData({ action: 'document', document, orderId: order.id }),
    })),
  ];
  // No Verify button: verifying needs the amount, day and reference read off the slip, which
  // only the app asks for. Rejecting needs none of them.
  if (opts.audience === 'finance' && order.status === 'slip_attached')
    rows.push([
      { text: '❌ Reject', callback_data: callbackData({ action: 'reject', orderId: order.id }) },
    ]);
  return { inline_keyboard: rows };
}

export function renderOrderCard(order: OrderDetail, opts: CardOptions): RenderedCard {
  return { text: cardText(order, opts), replyMarkup: keyboard(order, opts) };
}

/** The caption sent with a PDF: which document, which order, where it stands. */
export function documentCaption(
  order: OrderDetail,
  kind: DocumentKind,
  opts: { currency?: Currency } = {},
): string {
  const text = [
    `${documentIcons[kind]} <b>${documentTitles[kind]}</b> · order <b>${escapeHtml(order.number)}</b>`,
    `${name(order.shopName)} · ${money(order.total, opts.currency)}`,
    `Status: ${escapeHtml(statusLabel[order.status])}`,
  ].join('\n');
  return truncateHtml(text, telegramLimits.caption);
}

/** The welcome a group gets when the bot joins it. */
export function welcomeText(groupTitle: string, botName: string | null): string {
  const me = botName ? `@${escapeHtml(botName)}` : 'the order bot';
  return truncateHtml(
    [
      `👋 Hello, ${name(groupTitle)}! This is ${me} of head office.`,
      'An admin links this group to a shop (or to the factory, finance or purchasing) in the head-office console, under Telegram → Groups.',
      'From then on every order (or purchase order) gets one live status card here, and its PDFs.',
    ].join('\n'),
    telegramLimits.message,
  );
}
