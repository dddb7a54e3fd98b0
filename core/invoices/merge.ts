// One reading from two (decision 0033): the layout rules' and the model's. Where they agree the
// surer of the two stays; where they differ, the value the document's words back wins, then the
// one the arithmetic agrees with (lines: quantity × price = amount; totals: subtotal + tax =
// total, the lines adding up to the subtotal), then the rules'. Lines that still do not add up
// stay as they are, for the checks to mark.
import type { Read, ReadInvoice, ReadLine } from './document';
import { normaliseCode, normalisePhone, normaliseText, similarity } from './similarity';

const confidence = (r: Read<unknown> | null) => r?.at?.confidence ?? 0;

/** Of two readings of one value: the surer when they agree, else the one the page backs. */
function pick<T>(
  rules: Read<T> | null,
  model: Read<T> | null,
  same: (a: T, b: T) => boolean,
): Read<T> | null {
  if (!rules) return model;
  if (!model) return rules;
  if (same(rules.value, model.value)) return confidence(model) > confidence(rules) ? model : rules;
  if ((model.at !== null) !== (rules.at !== null)) return model.at ? model : rules;
  return confidence(model) > confidence(rules) ? model : rules;
}

const sameText = (a: string, b: string) => normaliseText(a) === normaliseText(b);
const sameCode = (a: string, b: string) => normaliseCode(a) === normaliseCode(b);
const samePhone = (a: string, b: string) => normalisePhone(a) === normalisePhone(b);
const sameEmail = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();
const same = <T>(a: T, b: T) => a === b;

/** The distinct readings of a value, rules' first; of two alike, the surer. */
const options = <T>(...reads: (Read<T> | null)[]): (Read<T> | null)[] => {
  const out: Read<T>[] = [];
  for (const r of reads) {
    if (!r) continue;
    const twin = out.findIndex((o) => o.value === r.value);
    if (twin < 0) out.push(r);
    else if (confidence(r) > confidence(out[twin] ?? null)) out[twin] = r;
  }
  return out.length ? out : [null];
};

const backed = (...reads: (Read<unknown> | null)[]) =>
  reads.reduce((n, r) => n + (r?.at ? 2 : 0), 0);

/** Every combination of the candidates, scored: the best one, ties to the earliest (rules'). */
function bestOf<C>(combos: C[], score: (c: C) => number): C | undefined {
  let best: C | undefined;
  let bestScore = -Infinity;
  for (const c of combos) {
    const s = score(c);
    if (s > bestScore) [best, bestScore] = [c, s];
  }
  return best;
}

const adds = (q: number, u: number, a: number) =>
  Math.abs(q * u - a) <= Math.max(1, Math.abs(q) / 2);

function mergeLine(rules: ReadLine, model: ReadLine): ReadLine {
  const combos = options(rules.quantity, model.quantity).flatMap((q) =>
    options(rules.unitPrice, model.unitPrice).flatMap((u) =>
      options(rules.amount, model.amount).map((a) => ({ q, u, a })),
    ),
  );
  const best = bestOf(combos, ({ q, u, a }) => {
    const sums = q && u && a && adds(q.value, u.value, a.value) ? 3 : 0;
    return backed(q, u, a) + sums + (confidence(q) + confidence(u) + confidence(a)) / 10;
  });
  return {
    code: pick(rules.code, model.code, sameCode),
    description: pick(rules.description, model.description, sameText) ?? rules.description,
    quantity: best?.q ?? rules.quantity,
    unitPrice: best?.u ?? rules.unitPrice,
    amount: best?.a ?? rules.amount,
  };
}

/**
 * How likely two lines are the same printed line: the same code, a description alike, and the
 * same amount as a help only (two products may well cost the same).
 */
function pairScore(rules: ReadLine, model: ReadLine): number {
  let score = 0;
  if (rules.amount.value === model.amount.value) score += 1;
  if (rules.code && model.code && sameCode(rules.code.value, model.code.value)) score += 2;
  const alike = similarity(
    normaliseText(rules.description.value),
    normaliseText(model.description.value),
  );
  if (alike >= 0.6) score += 2 * alike;
  return score;
}

/** Where a line stands on the pages, for putting merged lines back in reading order. */
const placeOf = (line: ReadLine): [number, number] | null => {
  const at = line.description.at ?? line.amount.at ?? line.quantity.at ?? line.code?.at ?? null;
  return at ? [at.page, at.box.y] : null;
};

function mergeLines(rules: ReadLine[], model: ReadLine[]): ReadLine[] {
  if (rules.length === 0) return model;
  if (model.length === 0) return rules;
  const used = new Set<number>();
  const merged: { line: ReadLine; from: 'rules' | 'model'; i: number }[] = [];
  model.forEach((m, i) => {
    let best = -1;
    let bestScore = 1.5;
    rules.forEach((r, j) => {
      if (used.has(j)) return;
      const s = pairScore(r, m);
      if (s > bestScore) [best, bestScore] = [j, s];
    });
    const r = rules[best];
    if (r) {
      used.add(best);
      merged.push({ line: mergeLine(r, m), from: 'model', i });
    } else merged.push({ line: m, from: 'model', i });
  });
  rules.forEach((r, j) => {
    if (!used.has(j)) merged.push({ line: r, from: 'rules', i: j });
  });
  // Reading order: by place on the page; a line with none stays after the one before it.
  let last: [number, number] = [0, -Infinity];
  const keyed = merged.map((m, k) => {
    const place = placeOf(m.line);
    if (place) last = place;
    return { ...m, key: place ?? last, k };
  });
  keyed.sort((a, b) => a.key[0] - b.key[0] || a.key[1] - b.key[1] || a.k - b.k);
  return keyed.map((m) => m.line);
}

function mergeTotals(rules: ReadInvoice, model: ReadInvoice, lines: ReadLine[]) {
  const sum = lines.reduce((n, l) => n + l.amount.value, 0);
  const combos = options(rules.subtotal, model.subtotal).flatMap((subtotal) =>
    options(rules.tax, model.tax).flatMap((tax) =>
      options(rules.total, model.total).map((total) => ({ subtotal, tax, total })),
    ),
  );
  return (
    bestOf(combos, ({ subtotal, tax, total }) => {
      let score = backed(subtotal, tax, total);
      if (subtotal && total && subtotal.value + (tax?.value ?? 0) === total.value) score += 3;
      if (lines.length && (subtotal ?? (tax ? null : total))?.value === sum) score += 1;
      return score + (confidence(subtotal) + confidence(tax) + confidence(total)) / 10;
    }) ?? { subtotal: null, tax: null, total: null }
  );
}

/** The rules' and the model's readings as one; `saysCredit`: the page prints "credit". */
export function mergeReadings(
  rules: ReadInvoice,
  model: ReadInvoice,
  saysCredit: boolean,
): ReadInvoice {
  const lines = mergeLines(rules.lines, model.lines);
  return {
    kind: rules.kind === 'credit' || (model.kind === 'credit' && saysCredit) ? 'credit' : 'invoice',
    supplierName: pick(rules.supplierName, model.supplierName, sameText),
    supplierTaxId: pick(rules.supplierTaxId, model.supplierTaxId, sameCode),
    supplierPhone: pick(rules.supplierPhone, model.supplierPhone, samePhone),
    supplierEmail: pick(rules.supplierEmail, model.supplierEmail, sameEmail),
    number: pick(rules.number, model.number, sameCode),
    date: pick(rules.date, model.date, same),
    currency: pick(rules.currency, model.currency, same),
    orderReference: pick(rules.orderReference, model.orderReference, sameCode),
    ...mergeTotals(rules, model, lines),
    lines,
  };
}
