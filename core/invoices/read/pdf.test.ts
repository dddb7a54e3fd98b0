import path from 'node:path';
import { deflateSync } from 'node:zlib';
import PDFDocument from 'pdfkit';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../errors';
import { hasTextLayer, readPdfText, runWords } from './pdf';
import { MAX_PAGE_PIXELS, renderPdfPage } from './render';
import { unpackedLimits } from './unpacked';

const font = path.resolve('resources/fonts/NotoSans-Regular.ttf');

function makePdf(
  draw: (doc: PDFKit.PDFDocument) => void,
  options: PDFKit.PDFDocumentOptions = {},
): Promise<Buffer> {
  return new Promise((resolve) => {
    const doc = new PDFDocument({ size: 'A4', margin: 0, ...options });
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.font(font);
    draw(doc);
    doc.end();
  });
}

async function rejection(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  return error as DomainError;
}

describe('readPdfText', () => {
  it('gives each word a box in points from the top left, where pdfkit drew it', async () => {
    const prefix = 'Invoice number ';
    let expectedX = 0;
    const bytes = await makePdf((doc) => {
      doc.fontSize(12).text(`${prefix}INV-2024-0042 Total 1,234.50`, 72, 100, { lineBreak: false });
      expectedX = 72 + doc.widthOfString(prefix);
      doc.fontSize(20).text('WIDE MMMM 9', 300, 500, { lineBreak: false });
    });
    const [page] = await readPdfText(bytes);
    expect(page).toMatchObject({ number: 1, unit: 'pt' });
    expect(page!.width).toBeCloseTo(595.28, 1);
    expect(page!.height).toBeCloseTo(841.89, 1);
    expect(page!.words.map((w) => w.text)).toEqual([
      'Invoice',
      'number',
      'INV-2024-0042',
      'Total',
      '1,234.50',
      'WIDE',
      'MMMM',
      '9',
    ]);
    const invoice = page!.words.find((w) => w.text === 'INV-2024-0042')!;
    // The split inside a run is estimated from character widths: a few points off at most.
    expect(Math.abs(invoice.x - expectedX)).toBeLessThan(4);
    expect(Math.abs(invoice.y - 100)).toBeLessThan(2);
    expect(invoice.h).toBeGreaterThan(12);
    expect(invoice.h).toBeLessThan(20);
    expect(invoice.confidence).toBe(1);
    const first = page!.words[0]!;
    expect(first.x).toBeCloseTo(72, 1);
    const nine = page!.words.at(-1)!;
    expect(nine.y).toBeGreaterThan(498);
    expect(nine.y + nine.h).toBeLessThan(530);
    expect(hasTextLayer(page!)).toBe(true);
  });

  it('reads every page of a two-page PDF, numbered from 1', async () => {
    const bytes = await makePdf((doc) => {
      doc.fontSize(11).text('Page one: Steel bolts M8 quantity 100', 50, 60);
      doc.addPage({ size: 'A5', margin: 0 });
      doc.fontSize(11).text('Page two: Total due 4,410.00 ETB', 50, 300);
    });
    const pages = await readPdfText(bytes);
    expect(pages.map((p) => p.number)).toEqual([1, 2]);
    expect(pages[1]!.width).toBeCloseTo(419.53, 1);
    expect(pages[1]!.words.map((w) => w.text).join(' ')).toBe('Page two: Total due 4,410.00 ETB');
    expect(pages[1]!.words[0]!.y).toBeCloseTo(300, 0);
  });

  it('boxes text that runs up the page in a tall, thin box', async () => {
    const bytes = await makePdf((doc) => {
      doc.save().rotate(-90, { origin: [100, 700] });
      doc.fontSize(14).text('Vertical 0099', 100, 700, { lineBreak: false });
      doc.restore();
    });
    const [page] = await readPdfText(bytes);
    const [vertical, number] = page!.words;
    expect(vertical!.text).toBe('Vertical');
    expect(vertical!.h).toBeGreaterThan(vertical!.w * 2);
    // Turned about its top-left corner: the text runs up from there, the tops of its letters at x 100.
    expect(vertical!.x).toBeCloseTo(100, 0);
    expect(vertical!.y + vertical!.h).toBeCloseTo(700, 0);
    expect(number!.y + number!.h).toBeLessThan(vertical!.y);
    expect(runWords('AB', [10, 0, 0, -10, 0, 0], 0, 0.8, -0.2)[0]!.w).toBe(0);
  });

  it('places the first word of right-to-left text at the right end of its run', () => {
    const [first, second] = runWords('شركة النور', [10, 0, 0, -10, 100, 50], 60, 0.8, -0.2, true);
    expect(first!.text).toBe('شركة');
    expect(first!.x + first!.w).toBeCloseTo(160, 5);
    expect(second!.x).toBeCloseTo(100, 5);
  });

  it('refuses a password-protected PDF with what to do about it', async () => {
    const bytes = await makePdf((doc) => doc.text('secret', 50, 50), {
      userPassword: 'sesame',
      ownerPassword: 'owner',
    });
    const error = await rejection(readPdfText(bytes));
    expect(error.code).toBe('FILE_REJECTED');
    expect(error.field).toBe('file');
    expect(error.message).toMatch(/protected by a password: save it without one/);
  });

  it('refuses a truncated PDF and a file that is no PDF as damaged', async () => {
    const bytes = await makePdf((doc) => doc.fontSize(12).text('Half of me is missing', 50, 50));
    for (const broken of [
      bytes.subarray(0, Math.floor(bytes.length / 2)),
      Buffer.from('GIF89a this is not a PDF at all, whatever its name says'),
      new Uint8Array(0),
    ]) {
      const error = await rejection(readPdfText(broken));
      expect(error).toMatchObject({ code: 'FILE_REJECTED', details: { field: 'file' } });
      expect(error.message).toMatch(/damaged or not a PDF/);
    }
  });

  it('refuses a PDF with more pages than allowed before reading them', async () => {
    const bytes = await makePdf((doc) => {
      for (let i = 0; i < 4; i++) doc.addPage();
    });
    const error = await rejection(readPdfText(bytes, { maxPages: 3 }));
    expect(error.message).toMatch(/has 5 pages; an invoice may have at most 3/);
  });

  it('finds no text layer on a PDF that is a picture, and renders pages that are not blank', async () => {
    const text = await makePdf((doc) =>
      doc.fontSize(16).text('Rendered words make dark pixels', 72, 72),
    );
    const png = await renderPdfPage(text, 1, { scale: 2 });
    const meta = await sharp(png).metadata();
    expect([meta.width, meta.height]).toEqual([1190, 1683]);
    const { channels } = await sharp(png).stats();
    expect(channels[0]!.min).toBeLessThan(60);
    const scan = await makePdf((doc) => doc.image(png, 0, 0, { width: 595.28 }));
    const [page] = await readPdfText(scan);
    expect(page!.words).toEqual([]);
    expect(hasTextLayer(page!)).toBe(false);
  });
});

/**
 * A one-page PDF written by hand: `objects` after the catalog and page tree, numbered from 3,
 * the page's contents being object 4 (its resources name image object 5, if any).
 */
function handPdf(page: string, objects: Buffer[]): Buffer {
  const parts: Buffer[] = [Buffer.from('%PDF-1.7\n')];
  const offsets: number[] = [];
  const add = (body: Buffer) => {
    offsets.push(parts.reduce((n, p) => n + p.length, 0));
    parts.push(Buffer.from(`${offsets.length} 0 obj\n`), body, Buffer.from('\nendobj\n'));
  };
  add(Buffer.from('<< /Type /Catalog /Pages 2 0 R >>'));
  add(Buffer.from('<< /Type /Pages /Kids [3 0 R] /Count 1 >>'));
  add(Buffer.from(page));
  for (const o of objects) add(o);
  const xref = parts.reduce((n, p) => n + p.length, 0);
  const entries = offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('');
  parts.push(
    Buffer.from(
      `xref\n0 ${offsets.length + 1}\n0000000000 65535 f \n${entries}trailer\n<< /Size ${offsets.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`,
    ),
  );
  return Buffer.concat(parts);
}

const stream = (dictionary: string, data: Buffer) =>
  Buffer.concat([
    Buffer.from(`<< ${dictionary} /Length ${data.length} >>\nstream\n`),
    data,
    Buffer.from('\nendstream'),
  ]);

describe('a PDF that unpacks to more than an invoice needs', () => {
  const page = (size: number, image = false) =>
    `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${size} ${size}] /Contents 4 0 R /Resources << ${image ? '/XObject << /Im1 5 0 R >>' : ''} >> >>`;

  it('refuses a small file whose page contents unpack to more than the limit, quickly', async () => {
    // About 70 KB of zlib that unpacks to 65 MB of spaces: the bomb is found, never unpacked whole.
    const spaces = deflateSync(Buffer.alloc(unpackedLimits.streamBytes + 1024 * 1024, 0x20));
    const bomb = handPdf(page(612), [stream('/Filter /FlateDecode', spaces)]);
    expect(bomb.length).toBeLessThan(200_000);
    const started = performance.now();
    const error = await rejection(readPdfText(bomb));
    expect(error.message).toMatch(/unpacks to more than 64 MB of page contents and fonts/);
    expect(performance.now() - started).toBeLessThan(5_000);
    // The same contents a little under the limit open as a page.
    const fits = deflateSync(Buffer.alloc(1024 * 1024, 0x20));
    const [read] = await readPdfText(handPdf(page(612), [stream('/Filter /FlateDecode', fits)]));
    expect(read?.words).toEqual([]);
  });

  it('refuses an image declared larger than the limit before drawing anything', async () => {
    const side = Math.ceil(Math.sqrt(unpackedLimits.imagePixels)) + 1;
    const image = stream(
      `/Type /XObject /Subtype /Image /Width ${side} /Height ${side} /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode`,
      deflateSync(Buffer.alloc(1000)),
    );
    const pdf = handPdf(page(612, true), [
      stream('', Buffer.from('q 612 0 0 612 0 0 cm /Im1 Do Q')),
      image,
    ]);
    const error = await rejection(renderPdfPage(pdf, 1, { scale: 1 }));
    expect(error.message).toMatch(/has an image of 100 megapixels \(at most 100\)/);
  });

  it('draws a page declared 14,400 points a side within the pixel limit', async () => {
    const huge = handPdf(page(14_400), [stream('', Buffer.from('0 0 0 rg 0 0 7200 7200 re f'))]);
    const png = await renderPdfPage(huge, 1, { scale: 2 });
    const meta = await sharp(png).metadata();
    expect((meta.width ?? 0) * (meta.height ?? 0)).toBeLessThanOrEqual(MAX_PAGE_PIXELS);
    expect(meta.width).toBeGreaterThan(1000);
    // A quarter of it was painted black, and a quarter of the picture is: drawn whole, smaller.
    const { channels } = await sharp(png).stats();
    expect(channels[0]!.mean).toBeGreaterThan(180);
    expect(channels[0]!.mean).toBeLessThan(200);
  });
});
