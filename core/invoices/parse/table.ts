// The line table (decision 0033): rows read as lines below a header or, with none, wherever the
// numbers multiply out; a table continued on the next page; a description wrapped onto a second
// row or printed on the row above its figures; the totals ending it.
import type { ReadLine } from '../document';
import { parseQuantity } from '../numbers';
import { columnOf, headerColumns } from './columns';
import type { Column } from './columns';
import { isFooter } from './labels';
import { draftFrom, findTriple } from './line';
import type { LineDraft } from './line';
import { cellsOf, hasLetters, isNumeric, joinText, read, xOf } from './rows';
import type { LabelKind, Row, Tok } from './rows';

/** The totals: they end the table. */
const TOTAL_KINDS: readonly LabelKind[] = ['subtotal', 'tax', 'total', 'grandTotal'];
const STOP_KINDS: ReadonlySet<LabelKind> = new Set(TOTAL_KINDS);
/** Labels a description row above a line cannot hold ("Date coding ink" may). */
const DESCRIBING_KINDS: ReadonlySet<LabelKind> = new Set<LabelKind>([
  'number',
  'date',
  'taxId',
  'order',
  'buyer',
  ...TOTAL_KINDS,
]);
/** Labels of a field: a row they start is no line, nor a line's wrapped description. */
const FIELD_KINDS: ReadonlySet<LabelKind> = new Set<LabelKind>([
  ...DESCRIBING_KINDS,
  'bank',
  'phone',
  'email',
]);

/** A row directly below a line, with text where the description is and no figures: its second line. */
function wraps(draft: LineDraft, row: Row, columns: readonly Column[] | null): boolean {
  // Where descriptions sit above their figures, words below a line begin the next one.
  if (draft.needsDesc) return false;
  if (draft.row.page !== row.page || row.top - draft.row.bottom > 1.2 * draft.row.h) return false;
  if (row.labels.some((l) => FIELD_KINDS.has(l.kind)) || isFooter(row)) return false;
  if (columns) {
    return row.toks.every((t) => {
      const c = columnOf(t, columns, row.h);
      return c !== null && (c.cat === 'desc' || (c.cat === 'code' && !isNumeric(t)));
    });
  }
  return !row.toks.some(isNumeric) && Math.abs(xOf(row.toks[0]) - draft.descX) < 2 * row.h;
}

function joinWrapped(draft: LineDraft, row: Row) {
  draft.descToks = [...draft.descToks, ...row.toks];
  draft.line.description = read(joinText(draft.descToks), row.page, draft.descToks, 0.85);
  draft.row = { ...draft.row, bottom: row.bottom };
  row.inTable = true;
}

/**
 * Each word's column. A header is often centred over its column while the words below it are
 * left-aligned, so a description can start left of its header, nearer the code column: a cell of
 * words after the code's own cell is the description, whichever header it is nearer.
 */
export function textCellsOf(row: Row, columns: readonly Column[]): (Column['cat'] | undefined)[] {
  const cats = row.toks.map((t) => columnOf(t, columns, row.h)?.cat);
  const desc = columns.find((c) => c.cat === 'desc');
  const code = columns.find((c) => c.cat === 'code');
  if (!desc || !code || desc.left < code.left) return cats;
  let codeCellSeen = false;
  for (const [s, e] of cellsOf(row)) {
    const own = cats.slice(s, e);
    const text = own.every((c) => c === 'code' || c === 'desc');
    if (text && codeCellSeen && own.includes('code') && hasLetters(joinText(row.toks.slice(s, e))))
      for (let i = s; i < e; i++) cats[i] = 'desc';
    if (own.every((c) => c === 'code')) codeCellSeen = true;
  }
  return cats;
}

/** The invoice's lines, in reading order across pages; the rows they took are marked inTable. */
export function readLines(
  pages: readonly Row[][],
  knownCodes: ReadonlySet<string> | undefined,
): ReadLine[] {
  const drafts: LineDraft[] = [];
  const anyHeader = pages.some((rows) => rows.some((r) => headerColumns(r)));
  let columns: Column[] | null = null;
  let open = false;
  const draftOf = (row: Row | undefined, above: Row | null): LineDraft | null => {
    if (!row || row.inTable || isFooter(row)) return null;
    if (!(columns && anyHeader)) {
      // A row that starts with a label is a field ("Deposit held 2,000.00"); a label word inside
      // a description ("Baking powder 1kg tin") is not.
      if (row.labels.some((l) => FIELD_KINDS.has(l.kind) && !l.weak && l.start === 0)) return null;
      return draftFrom(row, findTriple(row.toks), null, knownCodes, above);
    }
    const cols = {
      q: [] as Tok[],
      p: [] as Tok[],
      a: [] as Tok[],
      desc: [] as Tok[],
      code: [] as Tok[],
    };
    const loose: Tok[] = [];
    const cats = textCellsOf(row, columns);
    for (const [i, t] of row.toks.entries()) {
      const cat = cats[i];
      if (cat === undefined) loose.push(t);
      if (cat === 'qty') cols.q.push(t);
      else if (cat === 'price') cols.p.push(t);
      else if (cat === 'amount') cols.a.push(t);
      else if (cat === 'desc') cols.desc.push(t);
      else if (cat === 'code') cols.code.push(t);
    }
    // No quantity header (OCR lost it): a whole number outside every column is the quantity.
    // Or the description's column took it: a whole number in a cell of its own after the words.
    if (!cols.q.length && !columns.some((c) => c.cat === 'qty')) {
      const whole = (t: Tok) => parseQuantity(t.text)?.decimals === 0;
      cols.q.push(...loose.filter(whole));
      const ownCell = cellsOf(row)
        .filter(([s, e]) => e === s + 1 && s > 0)
        .map(([s]) => row.toks[s]);
      const afterDesc = cols.desc.filter((t, i) => i > 0 && whole(t) && ownCell.includes(t));
      if (!cols.q.length && afterDesc.length) {
        cols.q.push(...afterDesc);
        cols.desc = cols.desc.filter((t) => !afterDesc.includes(t));
      }
    }
    return draftFrom(row, findTriple(row.toks), cols, knownCodes, above);
  };
  /** A row of words only, directly above a line that has no description of its own. */
  const describes = (row: Row | undefined, line: Row): row is Row =>
    row !== undefined &&
    !row.inTable &&
    row.page === line.page &&
    line.top - row.bottom < 1.2 * line.h &&
    row.toks.some((t) => hasLetters(t.text)) &&
    !row.labels.some((l) => !l.weak && l.start === 0 && DESCRIBING_KINDS.has(l.kind)) &&
    !isFooter(row) &&
    headerColumns(row) === null;
  for (const rows of pages) {
    const headerAt = rows.findIndex((r) => headerColumns(r) !== null);
    const header = rows[headerAt];
    let from = 0;
    if (header) {
      columns = headerColumns(header);
      header.inTable = true;
      from = headerAt + 1;
      open = true;
    } else if (anyHeader && !open) continue;
    let last: LineDraft | null = null;
    for (const [i, row] of rows.entries()) {
      if (i < from || row.inTable) continue;
      // The totals end the table; a line whose description says "Total" does not.
      if (anyHeader && row.labels.some((l) => STOP_KINDS.has(l.kind)) && !findTriple(row.toks)) {
        open = false;
        break;
      }
      if (isFooter(row)) continue;
      if (headerColumns(row)) {
        row.inTable = true;
        continue;
      }
      let draft = draftOf(row, null);
      if (draft?.needsDesc) {
        const above = rows[i - 1];
        if (describes(above, row)) {
          draft = draftOf(row, above);
          above.inTable = true;
        } else if (!(columns && anyHeader)) draft = null;
      }
      if (!draft && last && wraps(last, row, anyHeader ? columns : null)) {
        // A row of words before a line without a description is that line's, not a wrap.
        const next = rows[i + 1];
        const nextDraft = next && describes(row, next) ? draftOf(next, null) : null;
        if (!nextDraft?.needsDesc) {
          joinWrapped(last, row);
          continue;
        }
      }
      if (draft) {
        row.inTable = true;
        drafts.push(draft);
        last = draft;
      } else if (row.toks.some(isNumeric)) last = null;
    }
  }
  return drafts.map((d) => d.line);
}
