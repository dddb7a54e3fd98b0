// The generated invoice as the files a supplier sends: a PDF with a real text layer, the same
// page as a scan (PNG) and that scan as a phone would take it (turned, soft, JPEG).
import { GlobalFonts, createCanvas } from '@napi-rs/canvas';
import PDFDocument from 'pdfkit';
import sharp from 'sharp';
import { FONT_NAMES, baseline, drawPieces, fontPath } from './fonts';
import type { DrawnPage, FontName, GeneratedInvoice } from './types';

const RULE_WIDTH = 0.6;

export async function invoicePdf(inv: GeneratedInvoice): Promise<Buffer> {
  const doc = new PDFDocument({
    autoFirstPage: false,
    // A fixed date: the same seed prints the same bytes, so a benchmark file can be compared.
    info: {
      Title: `${inv.truth.kind} ${inv.truth.number}`,
      CreationDate: new Date(Date.UTC(2026, 0, 1)),
    },
  });
  for (const font of FONT_NAMES) doc.registerFont(font, fontPath(font));
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<void>((resolve, reject) => {
    doc.on('end', resolve);
    doc.on('error', reject);
  });
  for (const page of inv.pages) {
    doc.addPage({ size: [page.width, page.height], margin: 0 });
    for (const run of page.runs) {
      doc.font(run.font).fontSize(run.size).fillColor('#000000');
      // One chain of `continued` calls: pdfkit places each piece after the one before, as
      // the pieces were measured, and the text layer keeps them as one line.
      const pieces = drawPieces(run);
      pieces.forEach((piece, i) => {
        const options: PDFKit.Mixins.TextOptions = {
          lineBreak: false,
          baseline: 'alphabetic',
          continued: i < pieces.length - 1,
        };
        if (i === 0) doc.text(piece.text, piece.left, baseline(run), options);
        else doc.text(piece.text, options);
      });
    }
    doc.lineWidth(RULE_WIDTH).strokeColor('#444444');
    for (const rule of page.rules ?? [])
      doc.moveTo(rule.x1, rule.y1).lineTo(rule.x2, rule.y2).stroke();
  }
  doc.end();
  await done;
  return Buffer.concat(chunks);
}

/** Canvas family names, distinct from any system font so a missing file cannot fall back. */
const FAMILY: Readonly<Record<FontName, string>> = {
  regular: 'InvoiceGen Regular',
  bold: 'InvoiceGen Bold',
  ethiopic: 'InvoiceGen Ethiopic',
  arabic: 'InvoiceGen Arabic',
  cjk: 'InvoiceGen CJK',
};

let registered = false;

function registerCanvasFonts(): void {
  if (registered) return;
  for (const font of FONT_NAMES) GlobalFonts.registerFromPath(fontPath(font), FAMILY[font]);
  registered = true;
}

export function pixelSize(page: Pick<DrawnPage, 'width' | 'height'>, dpi: number) {
  return {
    width: Math.round((page.width * dpi) / 72),
    height: Math.round((page.height * dpi) / 72),
  };
}

export async function invoiceImage(
  inv: GeneratedInvoice,
  pageIndex: number,
  options: { dpi?: number } = {},
): Promise<Buffer> {
  const page = inv.pages[pageIndex];
  if (!page)
    throw new RangeError(`The invoice has ${inv.pages.length} page(s), not ${pageIndex + 1}`);
  registerCanvasFonts();
  const dpi = options.dpi ?? 200;
  const { width, height } = pixelSize(page, dpi);
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, width, height);
  // Drawn in points, as the PDF is, and scaled to pixels once.
  ctx.scale(dpi / 72, dpi / 72);
  ctx.fillStyle = '#000000';
  ctx.textBaseline = 'alphabetic';
  ctx.textAlign = 'left';
  for (const run of page.runs) {
    ctx.font = `${run.size}px "${FAMILY[run.font]}"`;
    for (const piece of drawPieces(run)) ctx.fillText(piece.text, piece.left, baseline(run));
  }
  ctx.strokeStyle = '#444444';
  ctx.lineWidth = RULE_WIDTH;
  for (const rule of page.rules ?? []) {
    ctx.beginPath();
    ctx.moveTo(rule.x1, rule.y1);
    ctx.lineTo(rule.x2, rule.y2);
    ctx.stroke();
  }
  return canvas.encode('png');
}

/** A photo of the printed page: a little turned on a white table, a little soft, JPEG. */
export async function phonePhoto(
  png: Buffer,
  options: {
    rotateDegrees?: number;
    blurSigma?: number;
    jpegQuality?: number;
    scale?: number;
  } = {},
): Promise<Buffer> {
  const { rotateDegrees = 1.5, blurSigma = 0.6, jpegQuality = 70, scale = 0.8 } = options;
  const { width = 1 } = await sharp(png).metadata();
  let image = sharp(png).resize({ width: Math.max(1, Math.round(width * scale)) });
  // sharp refuses a sigma under 0.3: anything less is no blur at all.
  if (blurSigma >= 0.3) image = image.blur(blurSigma);
  // Two passes, so that the scale applies to the page and not to the turned, wider image.
  const { data, info } = await image.raw().toBuffer({ resolveWithObject: true });
  return sharp(data, { raw: info })
    .rotate(rotateDegrees, { background: '#ffffff' })
    .flatten({ background: '#ffffff' })
    .jpeg({ quality: jpegQuality, mozjpeg: false })
    .toBuffer();
}
