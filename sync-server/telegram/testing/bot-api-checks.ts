// What the fake Bot API checks the way Telegram does: request bodies in the three encodings
// the Bot API accepts, HTML parse mode (only Telegram's tags, balanced; <, >, & escaped), the
// length limits after entities are parsed, and inline keyboards.

export interface UploadedFile {
  filename: string;
  contentType: string;
  bytes: Buffer;
}

export interface ParsedBody {
  params: Record<string, unknown>;
  files: Record<string, UploadedFile>;
}

/** multipart/form-data (RFC 7578): fields and files by name. */
export function parseMultipart(body: Buffer, contentType: string): ParsedBody {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  const b = boundary?.[1] ?? boundary?.[2];
  if (!b) throw new Error('multipart body without a boundary');
  const delimiter = Buffer.from(`--${b}`);
  const params: Record<string, unknown> = {};
  const files: Record<string, UploadedFile> = {};
  let at = body.indexOf(delimiter);
  while (at >= 0) {
    const start = at + delimiter.length;
    if (body.subarray(start, start + 2).toString() === '--') break;
    const next = body.indexOf(delimiter, start);
    if (next < 0) throw new Error('multipart body is cut short');
    const part = body.subarray(start + 2, next - 2); // the CRLFs around the part
    const split = part.indexOf('\r\n\r\n');
    if (split < 0) throw new Error('multipart part without headers');
    const headers = part.subarray(0, split).toString('utf8');
    const content = part.subarray(split + 4);
    const name = /content-disposition:[^\r\n]*\bname="([^"]*)"/i.exec(headers)?.[1];
    const filename = /content-disposition:[^\r\n]*\bfilename="([^"]*)"/i.exec(headers)?.[1];
    if (name !== undefined) {
      if (filename !== undefined)
        files[name] = {
          filename,
          contentType: /content-type:\s*([^\r\n]+)/i.exec(headers)?.[1]?.trim() ?? '',
          bytes: Buffer.from(content),
        };
      else params[name] = content.toString('utf8');
    }
    at = next;
  }
  return { params, files };
}

/** The Bot API's HTML tags (https://core.telegram.org/bots/api#html-style). */
const allowedTags = new Set([
  'b',
  'strong',
  'i',
  'em',
  'u',
  'ins',
  's',
  'strike',
  'del',
  'span',
  'tg-spoiler',
  'a',
  'tg-emoji',
  'code',
  'pre',
  'blockquote',
]);

/** Parses HTML parse mode as Telegram does: the text it shows, or Telegram's error. */
export function parseTelegramHtml(html: string): { text: string } | { error: string } {
  if (
    html.includes('\ufffd') ||
    /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(html)
  )
    return { error: 'Bad Request: strings must be encoded in UTF-8' };
  const open: string[] = [];
  let text = '';
  let i = 0;
  const fail = (what: string) => ({
    error: `Bad Request: can't parse entities: ${what} at byte offset ${Buffer.byteLength(html.slice(0, i))}`,
  });
  while (i < html.length) {
    const c = html.charAt(i);
    if (c === '<') {
      const end = html.indexOf('>', i);
      if (end < 0) return fail('Unclosed start tag');
      const tag = /^<(\/?)([a-z-]+)(\s[^>]*)?>$/i.exec(html.slice(i, end + 1));
      const name = tag?.[2]?.toLowerCase();
      if (!tag || !name) return fail('Unsupported start tag');
      if (!allowedTags.has(name)) return fail(`Unsupported start tag "${name}"`);
      if (tag[1]) {
        if (open.pop() !== name) return fail(`Unmatched end tag "${name}"`);
      } else open.push(name);
      i = end + 1;
      continue;
    }
    if (c === '>') return fail('Character ">" is reserved');
    if (c === '&') {
      const entity = /^&(lt|gt|amp|quot|#\d{1,7}|#x[0-9a-f]{1,6});/i.exec(html.slice(i, i + 12));
      if (!entity?.[1]) return fail('Character "&" is reserved');
      const e = entity[1].toLowerCase();
      const named: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"' };
      text +=
        named[e] ??
        String.fromCodePoint(
          e.startsWith('#x') ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10),
        );
      i += entity[0].length;
      continue;
    }
    text += c;
    i++;
  }
  if (open.length > 0)
    return fail(`Can't find end tag corresponding to start tag "${open.at(-1)}"`);
  return { text };
}

/** Checks a text or caption: the error Telegram answers, or null. */
export function checkText(
  value: unknown,
  parseMode: unknown,
  limit: number,
  what: 'message text' | 'caption',
): string | null {
  if (value === undefined && what === 'caption') return null;
  if (typeof value !== 'string') return `Bad Request: ${what} is empty`;
  let shown = value;
  if (parseMode === 'HTML') {
    const parsed = parseTelegramHtml(value);
    if ('error' in parsed) return parsed.error;
    shown = parsed.text;
  } else if (parseMode !== undefined)
    return `Bad Request: unsupported parse_mode "${String(parseMode)}"`;
  if (what === 'message text' && shown.trim() === '') return 'Bad Request: message text is empty';
  if (shown.length > limit) return `Bad Request: ${what} is too long`;
  return null;
}

/** Checks reply_markup: an inline keyboard whose buttons each carry 1–64 bytes of data. */
export function checkMarkup(markup: unknown): string | null {
  if (markup === undefined) return null;
  let value: unknown = markup;
  if (typeof markup === 'string') {
    try {
      value = JSON.parse(markup);
    } catch {
      return "Bad Request: can't parse reply keyboard markup JSON object";
    }
  }
  const rows = (value as { inline_keyboard?: unknown }).inline_keyboard;
  if (!Array.isArray(rows))
    return 'Bad Request: field "inline_keyboard" of the InlineKeyboardMarkup should be an Array';
  for (const row of rows) {
    if (!Array.isArray(row))
      return 'Bad Request: field "inline_keyboard" of the InlineKeyboardMarkup should be an Array of Arrays';
    for (const button of row as { text?: unknown; callback_data?: unknown; url?: unknown }[]) {
      if (typeof button.text !== 'string' || button.text === '')
        return 'Bad Request: text buttons are unallowed in the inline keyboard';
      if (button.callback_data !== undefined) {
        if (typeof button.callback_data !== 'string')
          return 'Bad Request: can\'t parse inline keyboard button: field "callback_data" must be of type String';
        const bytes = Buffer.byteLength(button.callback_data, 'utf8');
        if (bytes < 1 || bytes > 64) return 'Bad Request: BUTTON_DATA_INVALID';
      } else if (typeof button.url !== 'string')
        return "Bad Request: can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard";
    }
  }
  return null;
}

/** The markup as a canonical string, to compare an edit with the message it edits. */
export const markupKey = (markup: unknown): string =>
  markup === undefined
    ? ''
    : typeof markup === 'string'
      ? JSON.stringify(JSON.parse(markup))
      : JSON.stringify(markup);
