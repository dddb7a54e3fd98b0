// Reads a supplier invoice from its positioned words by layout rules alone (decision 0033): rows
// rebuilt from the boxes, header fields found by their labels, the line table by its header or by
// rows whose numbers multiply out (quantity × price = amount). No template per supplier: the rules
// must hold on layouts never seen. Every value carries the box it came from and how sure the rule
// was, so the review screen can highlight it and a clerk can judge it. The rules are in ./parse/:
// rows, labels, the line table (columns, line, table), the header and the totals.
import type { Page, ReadInvoice } from './document';
import { readHeader } from './parse/header';
import { joinWrappedLabels, labelledValues, matchLabels } from './parse/labels';
import { buildRows } from './parse/rows';
import { readLines } from './parse/table';
import { chooseTotals } from './parse/totals';

export interface ParseOptions {
  /** Item codes the shop knows: a first-column word among them is a code whatever it looks like. */
  knownCodes?: ReadonlySet<string>;
  /** YYYY-MM-DD: an ambiguous d/m date that would be in the future is read the other way. */
  today?: string;
}

/**
 * The invoice the pages' words show, by layout rules alone. Never throws: what the rules cannot
 * find is null (or no line), and what they found by a weaker rule has a lower confidence.
 */
export function parseInvoice(pages: Page[], options: ParseOptions = {}): ReadInvoice {
  const sorted = [...pages].sort((a, b) => a.number - b.number);
  const pageRows = sorted.map((p) => buildRows(p));
  for (const rows of pageRows) {
    for (const row of rows) row.labels = matchLabels(row);
    joinWrappedLabels(rows);
  }
  // The table first: the rows it takes hold no header field.
  const lines = readLines(pageRows, options.knownCodes);
  const kind = pageRows
    .flat()
    .some((r) => /\bcredit (?:note|memo)\b/.test(r.toks.map((t) => t.norm).join(' ')))
    ? 'credit'
    : 'invoice';
  const labelled = labelledValues(pageRows);
  const header = readHeader(sorted, pageRows, labelled, options.today);

  // A credit note's amounts stay positive however it prints them ("(100.00)", "-100.00").
  if (kind === 'credit')
    for (const l of lines) {
      l.amount.value = Math.abs(l.amount.value);
      l.unitPrice.value = Math.abs(l.unitPrice.value);
      l.quantity.value = Math.abs(l.quantity.value);
    }
  const lineSum = lines.length ? lines.reduce((s, l) => s + l.amount.value, 0) : null;
  return { kind, ...header, ...chooseTotals(labelled.cands, lineSum), lines };
}
