// What a PDF unpacks to, measured before PDF.js opens it (decision 0033). PDF.js inflates a
// compressed stream whole, and decodes an image at the size its dictionary declares, with no
// limit of its own: a 610 KB PDF whose one content stream unpacks to 200 MB held head office's
// only thread for minutes and took gigabytes, again after every restart. So each stream is
// inflated here first, with zlib's own ceiling on the output (it stops at the ceiling, it does
// not fill it), and every image's declared size is read; a file past a limit is refused saying so.
import { constants, inflateSync } from 'node:zlib';
import { DomainError } from '../../errors';

export const unpackedLimits = {
  /** Page contents, fonts and the rest, all streams together. */
  streamBytes: 64 * 1024 * 1024,
  /** Images' compressed pixels, all together: a 30-page colour scan at 300 dpi is about 800 MB. */
  imageBytes: 1024 * 1024 * 1024,
  /** One image's declared pixels (width times height). */
  imagePixels: 100_000_000,
} as const;

const STREAM = Buffer.from('stream');
const END = Buffer.from('endstream');
/** How far before a stream its dictionary is looked for. */
const DICTIONARY_BYTES = 4096;

const tooLarge = (what: string, details: Record<string, unknown>) =>
  new DomainError(
    'FILE_REJECTED',
    `file: this PDF ${what}; no invoice needs that much. Print it to a new PDF, or scan the paper invoice again, and upload that`,
    { field: 'file', ...details },
  );

/** The dictionary a stream starts after: the text from its object's start to `stream`. */
function dictionaryBefore(bytes: Uint8Array, at: number): string {
  const from = Math.max(0, at - DICTIONARY_BYTES);
  const text = Buffer.from(bytes.buffer, bytes.byteOffset + from, at - from).toString('latin1');
  const start = text.lastIndexOf(' obj');
  return start >= 0 ? text.slice(start) : text;
}

const numberIn = (dictionary: string, key: string): number => {
  const m = new RegExp(`/${key}\\s+(\\d+)`).exec(dictionary);
  return m ? Number(m[1]) : 0;
};

/**
 * Refuses a PDF whose streams unpack to more than `unpackedLimits` allow, or with an image
 * declared larger than `imagePixels`. Streams that are not zlib (JPEG, or damaged ones) count
 * at their own size: PDF.js gives up on damaged ones itself.
 */
export function checkUnpacked(bytes: Uint8Array, limits = unpackedLimits): void {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let streams = 0;
  let images = 0;
  for (let at = buffer.indexOf(STREAM); at >= 0; at = buffer.indexOf(STREAM, at + 1)) {
    // `endstream` ends a stream; only a `stream` keyword followed by a line break starts one.
    if (at >= 3 && buffer.toString('latin1', at - 3, at) === 'end') continue;
    let start = at + STREAM.length;
    if (buffer[start] === 0x0d) start++;
    if (buffer[start] !== 0x0a) continue;
    start++;
    const end = buffer.indexOf(END, start);
    if (end < 0) break;
    const dictionary = dictionaryBefore(bytes, at);
    const image = /\/Subtype\s*\/Image\b/.test(dictionary);
    if (image) {
      const pixels = numberIn(dictionary, 'Width') * numberIn(dictionary, 'Height');
      if (pixels > limits.imagePixels)
        throw tooLarge(
          `has an image of ${Math.round(pixels / 1_000_000)} megapixels (at most ${limits.imagePixels / 1_000_000})`,
          { pixels, limit: limits.imagePixels },
        );
    }
    const left = image ? limits.imageBytes - images : limits.streamBytes - streams;
    const size = /\/(?:FlateDecode|Fl)\b/.test(dictionary)
      ? inflatedSize(buffer.subarray(start, end), left)
      : end - start;
    if (image) images += size;
    else streams += size;
    if (images > limits.imageBytes || streams > limits.streamBytes)
      throw tooLarge(
        `unpacks to more than ${(image ? limits.imageBytes : limits.streamBytes) / 1048576} MB of ${image ? 'images' : 'page contents and fonts'}`,
        { limit: image ? limits.imageBytes : limits.streamBytes },
      );
    at = end;
  }
}

/** What a zlib stream inflates to, stopping just past `ceiling`; its own size if not zlib. */
function inflatedSize(data: Buffer, ceiling: number): number {
  try {
    // A stream cut short still counts what it gave (PDF.js reads such streams too).
    return inflateSync(data, {
      maxOutputLength: Math.max(1, ceiling + 1),
      finishFlush: constants.Z_SYNC_FLUSH,
    }).length;
  } catch (error) {
    if (error instanceof RangeError) return ceiling + 1;
    return data.length;
  }
}
