// Page layout shared by the order documents: A4 pages with a running head and a numbered
// footer, label/value blocks and tables that continue on the next page with their header
// row repeated. Everything is placed at explicit coordinates; pdfkit's own flow would add pages
// on its own and could not keep runs of several fonts on one baseline.
import PDFDocument from 'pdfkit';
import { loadFonts, registerFonts, type FontSet } from './fonts';
import { TextWriter, type TextStyle } from './text';
import type { Currency } from '../locale/money';

export interface DocumentOptions {
  /** Printed at the top of every document; the factory's name when not given. */
  company?: string;
  /** The company's currency (core/locale/money companyCurrency): every amount is printed in it. */
  currency?: Currency;
  /** IANA zone for printed times, e.g. "Africa/Addis_Ababa"; the computer's zone when not given. */
  timeZone?: string;
}

export const styles = {
  body: { size: 9 },
  bold: { size: 9, weight: 'bold' },
  small: { size: 7.5, color: '#555555' },
  label: { size: 8, color: '#555555' },
  heading: { size: 11, weight: 'bold' },
  title: { size: 17, weight: 'bold' },
  company: { size: 11, weight: 'bold', color: '#333333' },
  total: { size: 11, weight: 'bold' },
} satisfies Record<string, TextStyle>;

export interface Column {
  header: string;
  /** Relative width; the columns share the width of the page between the margins. */
  width: number;
  align?: 'left' | 'right';
  /** Wrap long text onto more lines instead of cutting it short. */
  wrap?: boolean;
}

const margins = { top: 40, bottom: 50, left: 40, right: 40 };
const cellPadX = 3;
const cellPadY = 2.5;
/** A wrapped cell never grows past this many lines, so one row always fits on a page. */
const maxCellLines = 8;
const rule = '#bbbbbb';
const shade = '#f3f3f3';
const headerShade = '#e4e4e4';

export interface SheetMeta {
  title: string;
  subject: string;
  createdAt: Date;
  modifiedAt: Date;
  /** Printed at the top of the second and later pages. */
  runningHead: string;
  /** Printed at the bottom of every page, before the page number. */
  footer: string;
}

export class Sheet {
  readonly doc: PDFKit.PDFDocument;
  readonly text: TextWriter;
  readonly left = margins.left;
  readonly width: number;
  /** Top of the next thing to print. */
  y = margins.top;
  private readonly bottom: number;
  private readonly pdf: Promise<Buffer>;

  constructor(
    private readonly meta: SheetMeta,
    fonts: FontSet = loadFonts(),
  ) {
    // The dates come from the order, not the clock, and pdfkit derives the file ID from them:
    // the same order prints to the same bytes. PDF 1.3 (pdfkit's default) also keeps pdfkit from
    // writing XMP metadata, into which it pastes the title unescaped ("A & B" would be bad XML).
    this.doc = new PDFDocument({
      size: 'A4',
      margins,
      bufferPages: true,
      // Without a font pdfkit opens Helvetica from its own data folder, which bundlers lose.
      font: fonts.regular[0]?.path,
      info: {
        Title: meta.title,
        Subject: meta.subject,
        Creator: 'Factory-Shop ERP',
        Producer: 'Factory-Shop ERP (PDFKit)',
        CreationDate: meta.createdAt,
        ModDate: meta.modifiedAt,
      },
      displayTitle: true,
    });
    const chunks: Buffer[] = [];
    this.pdf = new Promise((resolve, reject) => {
      this.doc.on('data', (chunk: Buffer) => chunks.push(chunk));
      this.doc.on('end', () => resolve(Buffer.concat(chunks)));
      this.doc.on('error', reject);
    });
    registerFonts(this.doc, fonts);
    this.text = new TextWriter(this.doc, fonts);
    this.width = this.doc.page.width - margins.left - margins.right;
    this.bottom = this.doc.page.height - margins.bottom;
  }

  get right(): number {
    return this.left + this.width;
  }

  /** Room left on this page below y. */
  get room(): number {
    return this.bottom - this.y;
  }

  newPage(): void {
    this.doc.addPage();
    this.y = margins.top;
    this.text.line(this.meta.runningHead, this.left, this.y, styles.small, { width: this.width });
    this.y += this.text.lineHeight(styles.small) + 8;
  }

  /** Starts a new page unless the height still fits on this one. */
  ensure(height: number): void {
    if (this.y + height > this.bottom) this.newPage();
  }

  gap(points: number): void {
    this.y += points;
  }

  line(text: string, style: TextStyle, options: { align?: 'left' | 'right' | 'center' } = {}) {
    const height = this.text.lineHeight(style);
    this.ensure(height);
    this.text.line(text, this.left, this.y, style, { width: this.width, ...options });
    this.y += height;
  }

  paragraph(text: string, style: TextStyle = styles.body): void {
    for (const line of this.text.wrap(text, this.width, style)) this.line(line, style);
  }

  heading(text: string): void {
    // Keep a heading with at least a few lines of what follows it.
    this.ensure(this.text.lineHeight(styles.heading) + 60);
    this.gap(6);
    this.line(text, styles.heading);
    this.gap(2);
  }

  hr(color = rule): void {
    this.doc.save().moveTo(this.left, this.y).lineTo(this.right, this.y);
    this.doc.lineWidth(0.5).strokeColor(color).stroke().restore();
  }

  /** Label/value pairs, laid out in the given number of columns. Values wrap. */
  fields(pairs: readonly (readonly [string, string])[], columns = 2): void {
    const colWidth = this.width / columns;
    const labelWidth = 72;
    const valueWidth = colWidth - labelWidth - 8;
    const lh = this.text.lineHeight(styles.body);
    for (let i = 0; i < pairs.length; i += columns) {
      const row = pairs.slice(i, i + columns);
      const wrapped = row.map(([, value]) =>
        this.text.wrap(value, valueWidth, styles.body, maxCellLines),
      );
      const height = Math.max(...wrapped.map((w) => w.length)) * lh + 3;
      this.ensure(height);
      row.forEach(([label], c) => {
        const x = this.left + c * colWidth;
        this.text.line(label, x, this.y + 0.5, styles.label, { width: labelWidth });
        wrapped[c]?.forEach((value, n) =>
          this.text.line(value, x + labelWidth, this.y + n * lh, styles.body),
        );
      });
      this.y += height;
    }
  }

  /**
   * A table of text cells. A row that does not fit goes to the next page, and the header row
   * is printed again there so each page can be read on its own.
   */
  table(columns: readonly Column[], rows: readonly (readonly string[])[]): void {
    const total = columns.reduce((sum, c) => sum + c.width, 0);
    const widths = columns.map((c) => (c.width / total) * this.width);
    const lh = this.text.lineHeight(styles.body);
    const header = (): void => {
      const height = lh + 2 * cellPadY;
      this.ensure(height + lh + 2 * cellPadY);
      this.doc.rect(this.left, this.y, this.width, height).fill(headerShade);
      this.cells(
        columns,
        widths,
        columns.map((c) => [c.header]),
        styles.bold,
      );
      this.y += height;
    };
    header();
    rows.forEach((row, r) => {
      const lines = columns.map((c, i) => {
        const value = row[i] ?? '';
        const inner = (widths[i] ?? 0) - 2 * cellPadX;
        return c.wrap ? this.text.wrap(value, inner, styles.body, maxCellLines) : [value];
      });
      const height = Math.max(...lines.map((l) => l.length)) * lh + 2 * cellPadY;
      if (this.y + height > this.bottom) {
        this.newPage();
        header();
      }
      if (r % 2 === 1) this.doc.rect(this.left, this.y, this.width, height).fill(shade);
      this.cells(columns, widths, lines, styles.body);
      this.y += height;
      this.hr();
    });
  }

  private cells(
    columns: readonly Column[],
    widths: readonly number[],
    lines: readonly (readonly string[])[],
    style: TextStyle,
  ): void {
    const lh = this.text.lineHeight(style);
    let x = this.left;
    columns.forEach((column, i) => {
      const width = widths[i] ?? 0;
      lines[i]?.forEach((text, n) =>
        this.text.line(text, x + cellPadX, this.y + cellPadY + n * lh, style, {
          width: width - 2 * cellPadX,
          align: column.align ?? 'left',
        }),
      );
      x += width;
    });
  }

  /** Numbers every page, ends the document and resolves with its bytes. */
  finish(): Promise<Buffer> {
    const { start, count } = this.doc.bufferedPageRange();
    for (let i = start; i < start + count; i++) {
      this.doc.switchToPage(i);
      const y = this.doc.page.height - margins.bottom + 14;
      this.text.line(this.meta.footer, this.left, y, styles.small, { width: this.width - 80 });
      this.text.line(`Page ${i - start + 1} of ${count}`, this.right - 80, y, styles.small, {
        width: 80,
        align: 'right',
      });
    }
    this.doc.end();
    return this.pdf;
  }
}

const timeFormats = new Map<string, Intl.DateTimeFormat>();

/** "2026-03-31 14:05" in the given zone: one unambiguous form whatever the computer's locale. */
export function formatDateTime(ms: number, timeZone?: string): string {
  const zone = timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  let format = timeFormats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', {
      timeZone: zone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    timeFormats.set(zone, format);
  }
  const part = (type: Intl.DateTimeFormatPartTypes) =>
    format.formatToParts(ms).find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')}`;
}
