// A PDF's text layer as positioned words (decision 0033). PDF.js gives runs of text, each with
// the matrix that places its baseline; we turn each run into words with boxes in points from
// the page's top left, the same frame the review screen draws the rendered page in.
import { getDocumentProxy } from 'unpdf';
import { DomainError } from '../../errors';
import type { Page, Word } from '../document';
import { checkUnpacked } from './unpacked';

export type PdfDocument = Awaited<ReturnType<typeof getDocumentProxy>>;
type PdfPage = Awaited<ReturnType<PdfDocument['getPage']>>;
type Matrix = [number, number, number, number, number, number];

const passwordMessage =
  'file: this PDF is protected by a password: save it without one, or print it to a new PDF, and upload that';
const damagedMessage =
  'file: this PDF is damaged or not a PDF at all: download or export it from the supplier again and upload the new copy';

/** Why PDF.js refused a file, as something the person uploading it can act on. */
export function pdfError(error: unknown): DomainError {
  if (error instanceof DomainError) return error;
  const name = error instanceof Error ? error.name : '';
  return new DomainError(
    'FILE_REJECTED',
    name === 'PasswordException' ? passwordMessage : damagedMessage,
    { field: 'file' },
  );
}

/** Files whose unpacked size was measured (by identity: the bytes are never changed here). */
const checked = new WeakSet<Uint8Array>();

/**
 * Opens a PDF, turning PDF.js's exceptions into a DomainError. PDF.js may take over the buffer
 * it is given, so it gets a copy and the caller's bytes stay readable (the OCR path renders
 * from them again).
 */
export async function openPdf(bytes: Uint8Array): Promise<PdfDocument> {
  // Once per file: the OCR path opens it again for each page it draws.
  if (!checked.has(bytes)) {
    checkUnpacked(bytes);
    checked.add(bytes);
  }
  try {
    return await getDocumentProxy(new Uint8Array(bytes), { verbosity: 0 });
  } catch (error) {
    throw pdfError(error);
  }
}

/**
 * Reads every page's text layer; a page with no text comes back with no words. A PDF of more
 * than `maxPages` pages is refused before any page is read.
 */
export async function readPdfText(
  bytes: Uint8Array,
  { maxPages = Infinity }: { maxPages?: number } = {},
): Promise<Page[]> {
  const pdf = await openPdf(bytes);
  try {
    if (pdf.numPages > maxPages)
      throw new DomainError(
        'FILE_REJECTED',
        `file: this PDF has ${pdf.numPages} pages; an invoice may have at most ${maxPages}: upload the invoice's own pages only`,
        { field: 'file', pages: pdf.numPages, limit: maxPages },
      );
    const pages: Page[] = [];
    for (let n = 1; n <= pdf.numPages; n++) pages.push(await readPage(await pdf.getPage(n), n));
    return pages;
  } catch (error) {
    // A truncated file often opens (PDF.js rebuilds the cross-reference table) and fails on a page.
    throw pdfError(error);
  } finally {
    await pdf.destroy();
  }
}

/**
 * Whether a page's text layer is worth reading: a scan has none (or a scanner's stamp), and a
 * PDF whose fonts lack a character map gives replacement or private-use characters instead of
 * text. Such a page is read by the OCR instead.
 */
export function hasTextLayer(page: Page): boolean {
  const text = page.words.map((w) => w.text).join('');
  const readable = text.match(/[\p{L}\p{N}]/gu)?.length ?? 0;
  const garbage = text.match(/[\uFFFD\uE000-\uF8FF]/gu)?.length ?? 0;
  return readable >= 20 && garbage < readable * 0.1;
}

async function readPage(page: PdfPage, number: number): Promise<Page> {
  const viewport = page.getViewport({ scale: 1 });
  const content = await page.getTextContent();
  const words: Word[] = [];
  for (const item of content.items) {
    if (!('str' in item) || item.str.trim() === '') continue;
    const style = content.styles[item.fontName];
    words.push(
      ...runWords(
        item.str,
        multiply(matrix(viewport.transform), matrix(item.transform)),
        item.width,
        style?.ascent || 0.8,
        style?.descent || -0.2,
        item.dir === 'rtl',
      ),
    );
  }
  return { number, width: viewport.width, height: viewport.height, unit: 'pt', words };
}

function matrix(values: readonly unknown[]): Matrix {
  const [a = 1, b = 0, c = 0, d = 1, e = 0, f = 0] = values.map(Number);
  return [a, b, c, d, e, f];
}

function multiply(m: Matrix, n: Matrix): Matrix {
  return [
    m[0] * n[0] + m[2] * n[1],
    m[1] * n[0] + m[3] * n[1],
    m[0] * n[2] + m[2] * n[3],
    m[1] * n[2] + m[3] * n[3],
    m[0] * n[4] + m[2] * n[5] + m[4],
    m[1] * n[4] + m[3] * n[5] + m[5],
  ];
}

/**
 * Splits one run of text into words (in reading order, `rtl` for Arabic and Hebrew). PDF.js gives only the run's total advance, so each
 * character's share of it is estimated from its rough width in a proportional sans font:
 * a word after a run of wide capitals or narrow digits lands closer than counting characters.
 * `tx` maps the run's text space to the page's top-left frame; the box is the axis-aligned
 * hull of each word's ascent-to-descent rectangle, so turned text still gets a box around it.
 */
export function runWords(
  text: string,
  tx: Matrix,
  advance: number,
  ascent: number,
  descent: number,
  rtl = false,
): Word[] {
  const fontHeight = Math.hypot(tx[2], tx[3]);
  const alongLength = Math.hypot(tx[0], tx[1]);
  if (fontHeight === 0 || alongLength === 0) return [];
  const along: [number, number] = [tx[0] / alongLength, tx[1] / alongLength];
  // The text space's y axis points up the glyphs; on the top-left page it points up the screen.
  const up: [number, number] = [tx[2] / fontHeight, tx[3] / fontHeight];
  const chars = [...text];
  const total = chars.reduce((sum, ch) => sum + charWidth(ch), 0);
  const scale = total > 0 ? advance / total : 0;
  const words: Word[] = [];
  let offset = 0;
  let start = -1;
  let startOffset = 0;
  chars.forEach((ch, i) => {
    const blank = /\s/.test(ch);
    if (!blank && start < 0) {
      start = i;
      startOffset = offset;
    }
    offset += charWidth(ch) * scale;
    const ends = !blank && /\s/.test(chars[i + 1] ?? ' ');
    if (ends) {
      const word = chars.slice(start, i + 1).join('');
      // PDF.js gives right-to-left text in reading order: its first word is at the run's end.
      const span = rtl ? [advance - offset, advance - startOffset] : [startOffset, offset];
      const corners = span.flatMap((s) =>
        [ascent, descent].map((t): [number, number] => [
          tx[4] + s * along[0] + t * fontHeight * up[0],
          tx[5] + s * along[1] + t * fontHeight * up[1],
        ]),
      );
      const xs = corners.map((c) => c[0]);
      const ys = corners.map((c) => c[1]);
      const x = Math.min(...xs);
      const y = Math.min(...ys);
      words.push({
        text: word,
        x,
        y,
        w: Math.max(...xs) - x,
        h: Math.max(...ys) - y,
        confidence: 1,
      });
      start = -1;
    }
  });
  return words;
}

/** A character's advance in ems, roughly, in a proportional sans font such as Helvetica. */
function charWidth(ch: string): number {
  if (/\s/.test(ch)) return 0.28;
  if (/[il.,:;|!'`Ij]/.test(ch)) return 0.26;
  if (/[ft()[\]\-/\\r]/.test(ch)) return 0.34;
  if (/[mwMW@%]/.test(ch)) return 0.86;
  if (/[0-9]/.test(ch)) return 0.56;
  if (/[A-Z#&]/.test(ch)) return 0.68;
  return 0.54;
}
