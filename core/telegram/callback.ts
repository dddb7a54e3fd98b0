// What an inline button carries back to the bot. Telegram allows 64 bytes of callback data, so
// an order's UUID travels as its 16 bytes in base64url (22 characters): `v:<ref>` is 24 bytes.
import type { OrderDocumentKind } from '../pdf/documents';
import { telegramLimits } from './html';

export type CallbackAction =
  | { action: 'document'; document: OrderDocumentKind; orderId: string }
  /** Cards no longer carry it; cards sent before still do, and their presses are answered. */
  | { action: 'verify'; orderId: string }
  | { action: 'reject'; orderId: string };

const documentCodes: Record<OrderDocumentKind, string> = {
  order_sheet: 'os',
  payment_proof: 'pp',
  dispatch_note: 'dn',
};
const documentByCode = new Map(
  Object.entries(documentCodes).map(([kind, code]) => [code, kind as OrderDocumentKind]),
);

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A short reference to an order id: a UUID as 22 base64url characters, anything else as `~id`. */
export function compactId(id: string): string {
  if (uuidPattern.test(id)) return Buffer.from(id.replace(/-/g, ''), 'hex').toString('base64url');
  return `~${id}`;
}

export function expandId(ref: string): string | null {
  if (ref.startsWith('~')) return ref.length > 1 ? ref.slice(1) : null;
  if (!/^[A-Za-z0-9_-]{22}$/.test(ref)) return null;
  const hex = Buffer.from(ref, 'base64url').toString('hex');
  if (hex.length !== 32) return null;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The callback data for an action; throws if it would not fit Telegram's 64 bytes. */
export function callbackData(action: CallbackAction): string {
  const ref = compactId(action.orderId);
  const data =
    action.action === 'document'
      ? `d:${documentCodes[action.document]}:${ref}`
      : `${action.action === 'verify' ? 'v' : 'r'}:${ref}`;
  if (Buffer.byteLength(data, 'utf8') > telegramLimits.callbackData)
    throw new RangeError(`callback data for order ${action.orderId} is longer than 64 bytes`);
  return data;
}

/** Reads callback data this bot made; anything else (old buttons, forged data) is null. */
export function parseCallbackData(data: string): CallbackAction | null {
  const [kind, first = '', second = '', ...rest] = data.split(':');
  if (rest.length > 0) return null;
  if (kind === 'd') {
    const document = documentByCode.get(first);
    const orderId = expandId(second);
    return document && orderId ? { action: 'document', document, orderId } : null;
  }
  if ((kind === 'v' || kind === 'r') && second === '' && !data.endsWith(':')) {
    const orderId = expandId(first);
    if (!orderId) return null;
    return { action: kind === 'v' ? 'verify' : 'reject', orderId };
  }
  return null;
}
