// The drawing vocabulary the layouts share: a page being filled with runs and rules, a table of
// lines in any column order, and a block of label/amount rows.
import { formatAmount, type AmountStyle } from './format';
import { textWidth } from './fonts';
import type { DrawnPage, FontName, Rule, Run, TruthLine } from './types';

export const A4 = { width: 595.28, height: 841.89 };

export class Sheet {
  readonly runs: Run[] = [];
  readonly rules: Rule[] = [];

  constructor(
    readonly width: number,
    readonly height: number,
  ) {}

  text(text: string, x: number, y: number, size: number, font: FontName = 'regular'): void {
    if (text !== '') this.runs.push({ text, x, y, size, font });
  }

  /** Text whose right edge is at x. */
  right(text: string, x: number, y: number, size: number, font: FontName = 'regular'): void {
    if (text !== '') this.runs.push({ text, x, y, size, font, align: 'right' });
  }

  centre(text: string, y: number, size: number, font: FontName = 'regular'): void {
    this.text(text, (this.width - textWidth(text, font, size)) / 2, y, size, font);
  }

  rule(x1: number, y1: number, x2: number, y2: number): void {
    this.rules.push({ x1, y1, x2, y2 });
  }

  page(): DrawnPage {
    return { width: this.width, height: this.height, runs: this.runs, rules: this.rules };
  }
}

export type ColumnKey = 'index' | 'code' | 'description' | 'quantity' | 'unitPrice' | 'amount';

/** A table column: x is its left edge when aligned left, its right edge when aligned right. */
export interface Column {
  key: ColumnKey;
  header: string;
  x: number;
  align: 'left' | 'right';
}

export function cellText(
  key: ColumnKey,
  line: TruthLine,
  index: number,
  amounts: AmountStyle,
): string {
  switch (key) {
    case 'index':
      return String(index + 1);
    case 'code':
      return line.code ?? '';
    case 'description':
      return line.description;
    case 'quantity':
      return String(line.quantity);
    case 'unitPrice':
      return formatAmount(line.unitPrice, amounts);
    case 'amount':
      return formatAmount(line.amount, amounts);
  }
}

export interface TableStyle {
  columns: readonly Column[];
  size: number;
  rowHeight: number;
  amounts: AmountStyle;
  left: number;
  right: number;
}

function put(sheet: Sheet, column: Column, text: string, y: number, size: number, font: FontName) {
  if (column.align === 'right') sheet.right(text, column.x, y, size, font);
  else sheet.text(text, column.x, y, size, font);
}

/** Draws the header and the rows; `first` numbers the rows when a table goes on over pages. */
export function drawTable(
  sheet: Sheet,
  style: TableStyle,
  lines: readonly TruthLine[],
  first: number,
  top: number,
): number {
  let y = top;
  sheet.rule(style.left, y - 3, style.right, y - 3);
  for (const column of style.columns) put(sheet, column, column.header, y, style.size, 'bold');
  y += style.rowHeight;
  sheet.rule(style.left, y - 4, style.right, y - 4);
  lines.forEach((line, i) => {
    for (const column of style.columns)
      put(
        sheet,
        column,
        cellText(column.key, line, first + i, style.amounts),
        y,
        style.size,
        'regular',
      );
    y += style.rowHeight;
  });
  sheet.rule(style.left, y - 3, style.right, y - 3);
  return y;
}

export interface LabelRow {
  label: string;
  value: string;
  bold?: boolean;
}

/** Label on the left at labelX, value right-aligned at valueRight, one row per entry. */
export function drawRows(
  sheet: Sheet,
  rows: readonly LabelRow[],
  labelX: number,
  valueRight: number,
  top: number,
  size: number,
): number {
  let y = top;
  for (const row of rows) {
    const font = row.bold ? 'bold' : 'regular';
    sheet.text(row.label, labelX, y, size, font);
    sheet.right(row.value, valueRight, y, size, font);
    y += size * 1.6;
  }
  return y;
}
