// Telegram's HTML parse mode: text from people is escaped, and long texts are cut to Telegram's
// limits without ever breaking a tag, an entity or a surrogate pair (a cut emoji is a lone
// surrogate, and Telegram refuses the whole message for it).

/** Telegram's documented limits (Bot API "sendMessage", "sendDocument", "InlineKeyboardButton"). */
export const telegramLimits = {
  /** Characters of a message's text, after entities are parsed. */
  message: 4096,
  /** Characters of a media caption, after entities are parsed. */
  caption: 1024,
  /** Bytes of a callback button's data. */
  callbackData: 64,
  /** Characters of an answerCallbackQuery notification or alert. */
  callbackAnswer: 200,
} as const;

const escapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

/** Escapes text for HTML parse mode: the four entities Telegram knows by name. */
export const escapeHtml = (text: string): string => text.replace(/[&<>"]/g, (c) => escapes[c] ?? c);

const ELLIPSIS = '…';

const isHigh = (code: number) => code >= 0xd800 && code <= 0xdbff;

/** Cuts plain text to at most `max` UTF-16 units (Telegram's count), ending with … when cut. */
export function cutText(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max < 1) return '';
  let end = max - ELLIPSIS.length;
  if (end > 0 && isHigh(text.charCodeAt(end - 1))) end--; // never split a surrogate pair
  return `${text.slice(0, Math.max(end, 0)).trimEnd()}${ELLIPSIS}`;
}

/** Text cut to at most `max` characters as Telegram counts them (visible, not markup), escaped. */
export const escapeCut = (text: string, max: number): string => escapeHtml(cutText(text, max));

type Token =
  | { kind: 'open'; raw: string; name: string }
  | { kind: 'close'; raw: string; name: string }
  | { kind: 'text'; raw: string };

/** Splits markup into tags, entities and single characters (a surrogate pair is one). */
function tokenize(html: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < html.length) {
    const c = html.charAt(i);
    if (c === '<') {
      const end = html.indexOf('>', i);
      const raw = end < 0 ? html.slice(i) : html.slice(i, end + 1);
      const m = /^<(\/?)([a-zA-Z][a-zA-Z0-9-]*)/.exec(raw);
      if (m && end >= 0) {
        const name = (m[2] ?? '').toLowerCase();
        tokens.push(m[1] ? { kind: 'close', raw, name } : { kind: 'open', raw, name });
      } else tokens.push({ kind: 'text', raw });
      i += raw.length;
      continue;
    }
    if (c === '&') {
      const m = /^&(#\d{1,7}|#x[0-9a-fA-F]{1,6}|[a-zA-Z]{2,8});/.exec(html.slice(i, i + 12));
      if (m) {
        tokens.push({ kind: 'text', raw: m[0] });
        i += m[0].length;
        continue;
      }
    }
    const width = isHigh(html.charCodeAt(i)) && i + 1 < html.length ? 2 : 1;
    tokens.push({ kind: 'text', raw: html.slice(i, i + width) });
    i += width;
  }
  return tokens;
}

const closers = (open: string[]) =>
  open
    .slice()
    .reverse()
    .map((n) => `</${n}>`)
    .join('');

/**
 * Cuts well-formed HTML (as this module builds it) to at most `max` characters of markup. The
 * cut falls between whole characters, tags and entities; tags left open are closed and an
 * ellipsis marks the cut. Markup length bounds the length Telegram counts after parsing.
 */
export function truncateHtml(html: string, max: number): string {
  if (html.length <= max) return html;
  const open: string[] = [];
  let out = '';
  for (const token of tokenize(html)) {
    const next = token.kind === 'open' ? [...open, token.name] : open;
    const room = max - ELLIPSIS.length - closers(next).length;
    if (token.kind === 'close') {
      // Closing is always affordable: its closer was already reserved.
      if (open.at(-1) === token.name) {
        open.pop();
        out += token.raw;
      }
      continue;
    }
    if (out.length + token.raw.length > room) break;
    out += token.raw;
    if (token.kind === 'open') open.push(token.name);
  }
  // Drop tags opened right before the cut: an empty <b></b> says nothing.
  let trimmed = out.trimEnd();
  for (let last = open.at(-1); last !== undefined; last = open.at(-1)) {
    const tail = new RegExp(`<${last}(\\s[^>]*)?>$`).exec(trimmed);
    if (!tail) break;
    trimmed = trimmed.slice(0, tail.index).trimEnd();
    open.pop();
  }
  return `${trimmed}${ELLIPSIS}${closers(open)}`;
}

/** The text Telegram shows for HTML markup: tags removed, entities decoded. */
export function htmlToText(html: string): string {
  return html
    .replace(/<[^>]*>/g, '')
    .replace(/&(#\d+|#x[0-9a-fA-F]+|lt|gt|amp|quot);/g, (_m, e: string) => {
      if (e === 'lt') return '<';
      if (e === 'gt') return '>';
      if (e === 'amp') return '&';
      if (e === 'quot') return '"';
      const code = e.startsWith('#x') ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return code <= 0x10ffff ? String.fromCodePoint(code) : '\ufffd';
    });
}
