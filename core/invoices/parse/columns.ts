// A line table's header (decision 0033): the row that names an amount column, a quantity or price
// column and a text column, and the column each word of a line below it falls in.
import { currencyOf } from '../numbers';
import { CELL_GAP, gapBefore, matchWords, right } from './rows';
import type { Row, Tok } from './rows';

type Cat = 'qty' | 'price' | 'amount' | 'code' | 'desc' | 'num' | 'other';
const COLUMN_RES: readonly (readonly [Cat, RegExp])[] = (
  [
    [
      'price',
      String.raw`unit price|price|rate|unit cost|unit rate|price/unit|u/price|u\.price|each|cost|price each|unit price excl\.?(?: vat)?`,
    ],
    ['qty', String.raw`qty\.?|quantity|qnty|units|unit qty|no\.? of units|pcs|nos|qty/units`],
    [
      'amount',
      String.raw`amount|total|line total|total price|ext\.? price|extended|extension|net amount|value|sum|total amount|line amount|net`,
    ],
    [
      'code',
      String.raw`code|item code|item no\.?|item #|sku|ref\.?|reference|part no\.?|part number|part #|article|art\.? no\.?|product code|item|product id|item id`,
    ],
    [
      'desc',
      String.raw`description|item description|product|details|particulars|goods|services?|product description|name|item name|product name|goods description|designation|description of goods`,
    ],
    ['num', String.raw`#|no\.?|s\.? ?no\.?|sn|line|ln|sr\.?|s/n|sl\.? ?no\.?`],
    ['other', String.raw`unit|uom|u/m|vat|tax|discount|disc\.?|disc %|vat %|tax %|[a-z]{3}`],
  ] as const
).map(([cat, src]) => [cat, new RegExp(`(?:${src})(?= |$)`, 'y')] as const);

export interface Column {
  cat: Cat;
  left: number;
  right: number;
  /** The header's word was "Item": a code beside a Description column, else the description. */
  item: boolean;
}

/** The row's columns when it is a table header: amount, quantity or price, and some text column. */
export function headerColumns(row: Row): Column[] | null {
  // A header names columns; a figure in it (but a rate, "VAT 15%") makes it a line.
  if (row.toks.some((t) => /\d/.test(t.text) && !/^\(?\d+(?:[.,]\d+)?%\)?$/.test(t.text)))
    return null;
  const norms = row.toks.map((t) => t.norm);
  const found = matchWords(
    row,
    COLUMN_RES.map(([, re]) => re),
  ).map((f) => ({ ...f, cat: COLUMN_RES[f.order]?.[0] ?? 'other' }));
  found.sort((a, b) => b.end - b.start - (a.end - a.start) || a.order - b.order);
  const taken: typeof found = [];
  for (const f of found) if (!taken.some((t) => f.start < t.end && t.start < f.end)) taken.push(f);
  // "Total (ETB)": a currency after a column's name, in its cell, is part of that name.
  for (const f of [...taken]) {
    const word = row.toks[f.start];
    const money = word && f.end === f.start + 1 && currencyOf(word.text.replace(/[()[\]]/g, ''));
    const after = taken.some((t) => t.end === f.start && t.cat !== 'other');
    if (money && after && gapBefore(row.toks, f.start) <= CELL_GAP * row.h)
      taken.splice(taken.indexOf(f), 1);
  }
  const cats = new Set(taken.map((t) => t.cat));
  const covered = taken.reduce((n, t) => n + t.end - t.start, 0);
  if (!cats.has('amount') || !(cats.has('qty') || cats.has('price'))) return null;
  if (!cats.has('desc') && !cats.has('code')) return null;
  if (taken.filter((t) => t.cat !== 'other').length < 3 || covered < 0.6 * row.toks.length)
    return null;
  taken.sort((a, b) => a.start - b.start);
  const columns: Column[] = taken.map((t, i) => {
    const next = taken[i + 1]?.start ?? row.toks.length;
    let end = t.end;
    // "Price (ETB)": a word no column claims belongs to the column before it in the same cell.
    while (end < next && gapBefore(row.toks, end) <= CELL_GAP * row.h) end++;
    const toks = row.toks.slice(t.start, end);
    return {
      cat: t.cat,
      left: Math.min(...toks.map((k) => k.box.x)),
      right: Math.max(...toks.map((k) => right(k.box))),
      item: norms[t.start] === 'item' && t.end - t.start === 1,
    };
  });
  if (!cats.has('desc')) for (const c of columns) if (c.item) c.cat = 'desc';
  // Two amount-like columns ("Amount", "Total" after a VAT column): the rightmost is the line's.
  const amounts = columns.filter((c) => c.cat === 'amount');
  for (const c of amounts.slice(0, -1)) c.cat = 'other';
  for (const cat of ['qty', 'price', 'desc', 'code'] as const)
    for (const c of columns.filter((k) => k.cat === cat).slice(1)) c.cat = 'other';
  return columns;
}

/** The column a word of a table row falls in, by overlap with the header's words. */
export function columnOf(tok: Tok, columns: readonly Column[], h: number): Column | null {
  let best: Column | null = null;
  let bestOverlap = 0;
  for (const c of columns) {
    const overlap =
      Math.min(right(tok.box), c.right + 0.5 * h) - Math.max(tok.box.x, c.left - 0.5 * h);
    if (overlap > bestOverlap) {
      bestOverlap = overlap;
      best = c;
    }
  }
  if (best) return best;
  // Text is printed left-aligned: a text column reaches right up to the next column's start.
  const sorted = [...columns].sort((a, b) => a.left - b.left);
  if (!currencyOf(tok.text))
    for (const [i, c] of sorted.entries()) {
      const next = sorted[i + 1]?.left ?? Infinity;
      const text = c.cat === 'desc' || c.cat === 'code';
      if (text && tok.box.x >= c.left - 0.5 * h && tok.box.x < next) return c;
    }
  // Figures are printed right-aligned: the nearest figure column by its edges.
  let nearest: Column | null = null;
  let dist = Infinity;
  for (const c of columns) {
    if (c.cat === 'desc' || c.cat === 'code') continue;
    const d = Math.max(c.left - right(tok.box), tok.box.x - c.right, 0);
    if (d < dist) {
      dist = d;
      nearest = c;
    }
  }
  // A figure far from every column (a quantity whose header OCR lost) belongs to none.
  return dist < 4 * h ? nearest : null;
}
