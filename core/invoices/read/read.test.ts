import path from 'node:path';
import PDFDocument from 'pdfkit';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { DomainError } from '../../errors';
import { closeOcr } from './ocr';
import { readDocument, readLimits } from './read';
import { pageImage, renderPdfPage } from './render';
import { crc32, deflateSync } from 'node:zlib';

afterAll(closeOcr);

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

/** A one-page invoice with a text layer; the invoice number's words start at (72, 120). */
const invoicePdf = (): Promise<Buffer> =>
  makePdf((doc) => {
    doc.fontSize(22).text('Abay Metal Works PLC', 72, 60, { lineBreak: false });
    doc.fontSize(13).text('INV-2024-0042', 72, 120, { lineBreak: false });
    doc.text('Date 2024-03-15', 380, 120, { lineBreak: false });
    [
      ['Angle iron 40x40', '12', '350.00', '4,200.00'],
      ['Sheet metal 1mm', '5', '1,100.00', '5,500.00'],
    ].forEach((row, i) =>
      row.forEach((cell, j) =>
        doc.text(cell, [72, 300, 380, 470][j]!, 200 + i * 24, { lineBreak: false }),
      ),
    );
    doc.text('Total 9,700.00', 380, 300, { lineBreak: false });
  });

async function rejection(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  expect(error).toMatchObject({ code: 'FILE_REJECTED', details: { field: 'file' } });
  return error as DomainError;
}

const noiseJpeg = (): Promise<Buffer> => {
  const noise = Buffer.alloc(800 * 1000);
  let seed = 11;
  for (let i = 0; i < noise.length; i++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    noise[i] = seed & 0xff;
  }
  return sharp(noise, { raw: { width: 800, height: 1000, channels: 1 } })
    .jpeg()
    .toBuffer();
};

describe('readDocument', () => {
  it('reads a PDF with a text layer from the text, sure of every word', async () => {
    const bytes = await makePdf((doc) => {
      doc.fontSize(12).text('First page of the invoice INV-7 with its lines', 50, 50);
      doc.addPage().fontSize(12).text('Second page with the total 1,250.00 ETB due', 50, 50);
    });
    const read = await readDocument(bytes, 'application/pdf');
    expect(read).toMatchObject({ source: 'text-layer', confidence: 1, deskewDegrees: 0 });
    expect(read.pages.map((p) => [p.number, p.unit])).toEqual([
      [1, 'pt'],
      [2, 'pt'],
    ]);
    expect(read.pages[1]!.words.map((w) => w.text)).toContain('1,250.00');
    expect(read.ms).toBeGreaterThanOrEqual(0);
    expect(read.ms).toBeLessThan(2000);
  });

  it('reads a scanned PDF (a picture of a page) by OCR, in points where the text was', async () => {
    const text = await invoicePdf();
    const scanScale = 200 / 72;
    const png = await renderPdfPage(text, 1, { scale: scanScale });
    const scan = await makePdf((doc) => doc.image(png, 0, 0, { width: 595.28 }));
    const read = await readDocument(scan, 'application/pdf');
    expect(read.source).toBe('ocr');
    expect(read.confidence).toBeGreaterThan(0.8);
    const [page] = read.pages;
    expect(page).toMatchObject({ number: 1, unit: 'pt' });
    expect(page!.width).toBeCloseTo(595.28, 0);
    const texts = page!.words.map((w) => w.text);
    for (const key of ['INV-2024-0042', '2024-03-15', '4,200.00', '5,500.00', '9,700.00'])
      expect(texts).toContain(key);
    const number = page!.words.find((w) => w.text === 'INV-2024-0042')!;
    // pdfkit's y is the top of the line box, a little above the capitals the OCR boxes.
    expect(Math.abs(number.x - 72)).toBeLessThan(3);
    expect(number.y - 120).toBeGreaterThan(0);
    expect(number.y - 120).toBeLessThan(6);

    // The review screen's picture is the page the boxes are in, at a known scale.
    const shown = await pageImage({ bytes: scan, mime: 'application/pdf' }, 1);
    expect(shown.width / page!.width).toBeCloseTo(shown.height / page!.height, 2);
    const textShown = await pageImage({ bytes: text, mime: 'application/pdf' }, 1);
    expect(textShown.width).toBe(1190);
  });

  it('refuses a photo it cannot read reliably, unless told to go on', async () => {
    const noise = await noiseJpeg();
    const error = await rejection(readDocument(noise, 'image/jpeg'));
    expect(error.message).toMatch(
      /cannot be read reliably \(only 0% sure\): take the photo again in good light, straight on, filling the frame/,
    );
    const poor = await readDocument(noise, 'image/jpeg', { acceptPoor: true });
    expect(poor.source).toBe('ocr');
    expect(poor.confidence).toBeLessThan(readLimits.confidence);
    expect(poor.pages[0]!.unit).toBe('px');
  });

  it('refuses a scan once its first scanned pages are hopeless, without reading the rest, unless told to go on', async () => {
    const noise = await noiseJpeg();
    const pages = 4;
    const scan = await makePdf((doc) => {
      for (let i = 0; i < pages; i++) {
        if (i > 0) doc.addPage();
        doc.image(noise, 0, 0, { width: 595, height: 842 });
      }
    });
    const error = await rejection(readDocument(scan, 'application/pdf'));
    expect(error.message).toMatch(
      /cannot be read reliably \(only \d+% sure by page 2 of 4, so the rest was not read\): scan the invoice again at 300 dpi/,
    );
    expect(error.details).toMatchObject({ pagesRead: 2 });
    expect((error.details as { confidence: number }).confidence).toBeLessThan(readLimits.hopeless);
    // Told to go on, every page is read, and the document is as unsure as its pages.
    const poor = await readDocument(scan, 'application/pdf', { acceptPoor: true });
    expect(poor.pages).toHaveLength(pages);
    expect(poor.confidence).toBeLessThan(readLimits.hopeless);
    // A blank cover sheet before a page that reads well is no reason to give up.
    const png = await renderPdfPage(await invoicePdf(), 1, { scale: 200 / 72 });
    const covered = await makePdf((doc) => {
      doc.addPage().image(png, 0, 0, { width: 595.28 });
      doc.addPage();
    });
    const read = await readDocument(covered, 'application/pdf');
    expect(read.pages.map((p) => p.words.length > 0)).toEqual([false, true, false]);
    expect(read.confidence).toBeGreaterThan(readLimits.confidence);
  });

  it('refuses files over the limits before reading them', async () => {
    const big = new Uint8Array(readLimits.bytes + 1);
    expect((await rejection(readDocument(big, 'application/pdf'))).message).toMatch(
      /is 10\.0 MB; an invoice may be at most 10 MB/,
    );
    const pages = await makePdf((doc) => {
      for (let i = 0; i < readLimits.pages; i++) doc.addPage();
    });
    expect((await rejection(readDocument(pages, 'application/pdf'))).message).toMatch(
      /has 31 pages; an invoice may have at most 30/,
    );
    const huge = await sharp({
      create: { width: 8000, height: 5100, channels: 3, background: '#ffffff' },
    })
      .png({ compressionLevel: 1 })
      .toBuffer();
    expect((await rejection(readDocument(huge, 'image/png'))).message).toMatch(
      /41 megapixels; at most 40 can be read/,
    );
    expect((await rejection(readDocument(new Uint8Array(0), 'image/png'))).message).toMatch(
      /is empty/,
    );
    // A PNG whose header alone says 60,000 pixels a side: past sharp's own limit too, and still
    // refused for its size, not as damaged.
    const chunk = (type: string, data: Buffer) => {
      const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
      const framed = Buffer.alloc(body.length + 8);
      framed.writeUInt32BE(data.length, 0);
      body.copy(framed, 4);
      framed.writeUInt32BE(crc32(body), body.length + 4);
      return framed;
    };
    const header = Buffer.alloc(13);
    header.writeUInt32BE(60_000, 0);
    header.writeUInt32BE(60_000, 4);
    header.set([8, 2, 0, 0, 0], 8);
    const declared = Buffer.concat([
      Buffer.from('89504e470d0a1a0a', 'hex'),
      chunk('IHDR', header),
      chunk('IDAT', deflateSync(Buffer.alloc(100))),
      chunk('IEND', Buffer.alloc(0)),
    ]);
    expect((await rejection(readDocument(declared, 'image/png'))).message).toMatch(
      /3600 megapixels; at most 40 can be read/,
    );
  });

  it('refuses a damaged picture, or one that is no picture', async () => {
    const jpeg = await noiseJpeg();
    for (const broken of [jpeg.subarray(0, jpeg.length / 3), Buffer.from('%PDF-1.7 no image')]) {
      const error = await rejection(readDocument(broken, 'image/jpeg'));
      expect(error.message).toMatch(/damaged or not a JPEG or PNG/);
    }
  });
});
