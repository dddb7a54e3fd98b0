// A receipt as an 80 mm wide PDF, for a shop with no receipt printer (the system printer, or a
// file sent to the customer) and for a reprint. Unlike the receipt printer the PDF prints every
// script: it uses the fonts every document ships with (core/pdf/fonts.ts: Noto Sans, Ge'ez,
// Arabic, Chinese) and core/pdf/text.ts's per-character font fallback and right-to-left order.
// One page as long as the receipt, as a roll is.
import { toBuffer } from 'bwip-js/node';
import PDFDocument from 'pdfkit';
import { loadFonts, registerFonts, type FontSet } from '../pdf/fonts';
import { TextWriter, type TextStyle } from '../pdf/text';
import { formatSoldAt, labels, methodLabel, money, quantity, taxLabel } from './format';
import type { Receipt } from './receipt';

export interface PdfOptions {
  /** IANA zone for the printed time; the computer's when not given. */
  timeZone?: string;
  fonts?: FontSet;
}

const millimetre = 72 / 25.4;
const pageWidth = 80 * millimetre;
const margin = 4 * millimetre;
const width = pageWidth - 2 * margin;

const styles = {
  shop: { size: 12, weight: 'bold' },
  body: { size: 8 },
  small: { size: 7, color: '#555555' },
  total: { size: 10, weight: 'bold' },
} satisfies Record<string, TextStyle>;

/** Something to draw and the height it takes; laid out first so the page can be cut to fit. */
interface Row {
  height: number;
  draw(y: number): void;
}

export async function renderReceiptPdf(
  receipt: Receipt,
  options: PdfOptions = {},
): Promise<Buffer> {
  const fonts = options.fonts ?? loadFonts();
  // The number as a Code 128 barcode, as the receipt printer prints it: a return scans it.
  const barcode = await toBuffer({
    bcid: 'code128',
    text: receipt.number,
    scale: 3,
    height: 10,
    includetext: false,
    // Black bars on white, drawn in the image itself (not only in its transparency).
    backgroundcolor: 'FFFFFF',
  });
  const soldAt = new Date(receipt.soldAt);
  // The dates come from the sale: the same sale prints to the same bytes (see core/pdf/layout).
  const doc = new PDFDocument({
    autoFirstPage: false,
    font: fonts.regular[0]?.path,
    info: {
      Title: `Receipt ${receipt.number}`,
      Subject: `${receipt.shopName}: ${receipt.kind} ${receipt.number}`,
      Creator: 'Factory-Shop ERP',
      Producer: 'Factory-Shop ERP (PDFKit)',
      CreationDate: soldAt,
      ModDate: soldAt,
    },
    displayTitle: true,
  });
  const chunks: Buffer[] = [];
  const pdf = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  registerFonts(doc, fonts);
  const text = new TextWriter(doc, fonts);
  const { currency, locale } = receipt;
  const amount = (minor: number) => money(minor, currency, locale);

  const rows: Row[] = [];
  const paragraph = (value: string, style: TextStyle, align: 'left' | 'center' = 'left') => {
    for (const line of text.wrap(value, width, style))
      rows.push({
        height: text.lineHeight(style),
        draw: (y) => text.line(line, margin, y, style, { width, align }),
      });
  };
  const pair = (left: string, right: string, style: TextStyle = styles.body) => {
    const rightWidth = Math.min(text.width(right, style), width * 0.6);
    rows.push({
      height: text.lineHeight(style),
      draw: (y) => {
        text.line(left, margin, y, style, { width: width - rightWidth - 4 });
        text.line(right, margin, y, style, { width, align: 'right' });
      },
    });
  };
  const gap = (height: number) => rows.push({ height, draw: () => undefined });
  const rule = () => {
    gap(3);
    rows.push({
      height: 4,
      draw: (y) => {
        doc
          .save()
          .moveTo(margin, y)
          .lineTo(margin + width, y);
        doc.lineWidth(0.5).dash(2, { space: 2 }).strokeColor('#000000').stroke().restore();
      },
    });
  };

  paragraph(receipt.shopName, styles.shop, 'center');
  paragraph(
    `${receipt.shopCode} · ${formatSoldAt(receipt.soldAt, locale, options.timeZone)}`,
    styles.small,
    'center',
  );
  gap(4);
  if (receipt.kind === 'return') pair(labels.return, receipt.number);
  pair(labels.sale, receipt.saleNumber ?? receipt.number);
  pair(labels.clerk, receipt.clerk);
  rule();
  for (const line of receipt.lines) {
    paragraph(line.name, styles.body);
    pair(
      `   ${quantity(line.quantity, locale)} x ${amount(line.unitPrice)}   ${line.sku}`,
      amount(line.quantity * line.unitPrice),
    );
    if (line.discount > 0) pair(`   ${labels.discount}`, amount(-line.discount));
    gap(2);
  }
  rule();
  // As the printed receipt (escpos.ts): each figure follows from the ones above it.
  const added = receipt.taxIncluded ? [] : receipt.taxes;
  if (receipt.discount > 0 || receipt.reward > 0 || added.length > 0) {
    const gross = receipt.lines.reduce((s, l) => s + l.quantity * l.unitPrice, 0);
    pair(labels.subtotal, amount(gross));
    if (receipt.discount > 0) pair(labels.discount, amount(-receipt.discount));
    if (receipt.reward > 0) pair(labels.reward, amount(-receipt.reward));
    for (const tax of added) pair(taxLabel(tax.rateBp, false), amount(tax.amount));
  }
  pair(
    receipt.kind === 'return' ? labels.refund : labels.total,
    amount(receipt.total),
    styles.total,
  );
  if (receipt.taxIncluded)
    for (const tax of receipt.taxes) pair(taxLabel(tax.rateBp, true), amount(tax.amount));
  if (receipt.payments.length > 0) {
    gap(2);
    for (const payment of receipt.payments) {
      pair(methodLabel(payment.method), amount(payment.amount));
      if (payment.tendered !== null) pair(`   ${labels.tendered}`, amount(payment.tendered));
      if (payment.reference !== null) paragraph(`   ${payment.reference}`, styles.small);
    }
    if (receipt.kind === 'sale') pair(labels.change, amount(receipt.change));
  }
  if (receipt.reason !== null) paragraph(`${labels.reason}: ${receipt.reason}`, styles.body);
  const customer = receipt.customer;
  if (customer) {
    const sale = receipt.kind === 'sale';
    rule();
    pair(labels.customer, customer.name);
    if (customer.tier !== null) pair(labels.tier, customer.tier);
    if (customer.pointsIn > 0 || (sale && customer.points !== null))
      pair(
        sale ? labels.pointsEarned : labels.pointsGivenBack,
        quantity(customer.pointsIn, locale),
      );
    if (customer.pointsOut > 0)
      pair(
        sale ? labels.pointsRedeemed : labels.pointsTakenBack,
        quantity(customer.pointsOut, locale),
      );
    if (customer.points !== null) pair(labels.pointsBalance, quantity(customer.points, locale));
  }
  gap(8);
  const barcodeHeight = 12 * millimetre;
  rows.push({
    height: barcodeHeight,
    draw: (y) => {
      doc.image(barcode, margin, y, { fit: [width, barcodeHeight], align: 'center' });
    },
  });
  paragraph(receipt.number, styles.small, 'center');
  gap(6);
  paragraph(labels.thanks, styles.body, 'center');

  const height = rows.reduce((sum, row) => sum + row.height, 0);
  doc.addPage({ size: [pageWidth, height + 2 * margin], margin: 0 });
  let y = margin;
  for (const row of rows) {
    row.draw(y);
    y += row.height;
  }
  doc.end();
  return pdf;
}
