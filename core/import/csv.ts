// CSV as spreadsheets write it: RFC 4180 quoting (a quote doubled inside a quoted field, commas
// and line breaks inside quotes), a byte-order mark, CRLF or LF, and `;` as the separator where
// Excel writes it so (locales whose decimal mark is a comma). Written here rather than taken from
// a package: sixty lines, no dependency to keep up, and the row numbers match what the person
// sees in the spreadsheet (a quoted line break does not start a new row there).
import { DomainError } from '../errors';

export interface CsvRow {
  /** The row's number as the spreadsheet shows it: the header is row 1. */
  row: number;
  /** Cells by header name (lower case, trimmed); a missing cell is ''. */
  cells: Record<string, string>;
}

export interface CsvTable {
  header: string[];
  rows: CsvRow[];
  separator: ',' | ';';
}

const refuse = (message: string) =>
  new DomainError('FILE_REJECTED', `csv: ${message}`, { field: 'csv' });

/** The separator of the header line: whichever of `,` and `;` occurs more outside quotes. */
function separatorOf(text: string): ',' | ';' {
  let commas = 0;
  let semicolons = 0;
  let quoted = false;
  for (const c of text) {
    if (c === '"') quoted = !quoted;
    else if (!quoted && (c === '\n' || c === '\r')) break;
    else if (!quoted && c === ',') commas++;
    else if (!quoted && c === ';') semicolons++;
  }
  return semicolons > commas ? ';' : ',';
}

/** Splits CSV text into records of fields (a blank line is a record of one empty field). */
function records(text: string, sep: string): { line: number; fields: string[] }[] {
  const out: { line: number; fields: string[] }[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let start = 1;
  let i = 0;
  const endRecord = () => {
    fields.push(field);
    out.push({ line: start, fields });
    fields = [];
    field = '';
  };
  while (i < text.length) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
        continue;
      }
      if (c === '"') quoted = false;
      else {
        if (c === '\n') line++;
        field += c;
      }
      i++;
      continue;
    }
    if (c === '"' && field === '') quoted = true;
    else if (c === sep) {
      fields.push(field);
      field = '';
    } else if (c === '\r' || c === '\n') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      endRecord();
      line++;
      start = line;
    } else field += c;
    i++;
  }
  if (quoted)
    throw refuse(`a quoted field opened on line ${start} is never closed; close its quote (")`);
  if (field !== '' || fields.length > 0) endRecord();
  return out;
}

/**
 * Parses a CSV file's text, its first row the header. Refuses what is not a text file (NUL bytes
 * or undecodable characters: a spreadsheet's .xlsx, a picture) and a header naming a column twice.
 */
export function parseCsv(raw: string): CsvTable {
  const text = raw.startsWith('\uFEFF') ? raw.slice(1) : raw;
  if (text.includes('\u0000') || text.includes('\uFFFD'))
    throw refuse(
      'this is not a text file; in the spreadsheet choose "Save as" and the CSV format, then import that file',
    );
  if (text.trim() === '')
    throw refuse('the file is empty; it needs a header row and at least one row');
  const separator = separatorOf(text);
  const [head, ...body] = records(text, separator);
  if (!head) throw refuse('the file is empty; it needs a header row and at least one row');
  const header = head.fields.map((h) => h.trim().toLowerCase());
  const seen = new Set<string>();
  for (const h of header) {
    if (h && seen.has(h)) throw refuse(`the header names the column "${h}" twice; keep one`);
    seen.add(h);
  }
  // Row numbers as a spreadsheet counts them: each record is one row whatever lines it spans,
  // and a blank row keeps its number though it is skipped.
  const rows = body
    .map((r, i) => ({
      row: i + 2,
      blank: r.fields.every((f) => f.trim() === ''),
      cells: Object.fromEntries(header.map((h, j) => [h, (r.fields[j] ?? '').trim()])),
    }))
    .filter((r) => !r.blank)
    .map(({ row, cells }) => ({ row, cells }));
  return { header, rows, separator };
}
