// The driver's proof of one stop as a form (decision 0034): what each line says, whether every
// line is marked (the signature waits for that), and the trips.prove input it becomes. Pure, so
// the rule the pad waits on is the one tested (proof.test.ts), and the same one the core checks.
import type { InputOf } from '../../client';

export interface StopLine {
  lineNo: number;
  variantId: string;
  sku: string;
  name: string;
  /** What was loaded for this line: the order's quantity. */
  quantity: number;
}

/** One line as the driver marks it: the boxes as typed, the photo of a damage, and the tick. */
export interface LineMark {
  lineNo: number;
  loaded: number;
  delivered: string;
  damaged: string;
  short: string;
  reason: string;
  /** The photo of the damage, as base64 of the camera's file. */
  photo: string | null;
  /** The driver has looked at this line with the customer and says it is right. */
  checked: boolean;
}

/** Each line starts as all of it delivered, nothing damaged or short, not yet ticked. */
export const newMarks = (lines: readonly StopLine[]): LineMark[] =>
  lines.map((l) => ({
    lineNo: l.lineNo,
    loaded: l.quantity,
    delivered: String(l.quantity),
    damaged: '0',
    short: '0',
    reason: '',
    photo: null,
    checked: false,
  }));

/** A box holding a whole number 0 or more, or null. */
export function wholeCount(text: string): number | null {
  const trimmed = text.trim();
  if (!/^\d{1,7}$/.test(trimmed)) return null;
  return Number(trimmed);
}

/** Why a line is not marked yet (the first reason), or null when it is. */
export type LineProblem =
  | { kind: 'notNumber'; field: 'delivered' | 'damaged' | 'short' }
  | { kind: 'overLoaded' }
  | { kind: 'sum'; total: number }
  | { kind: 'reason' }
  | { kind: 'photo' }
  | { kind: 'unchecked' };

export function lineProblem(mark: LineMark): LineProblem | null {
  const delivered = wholeCount(mark.delivered);
  if (delivered === null) return { kind: 'notNumber', field: 'delivered' };
  const damaged = wholeCount(mark.damaged);
  if (damaged === null) return { kind: 'notNumber', field: 'damaged' };
  const short = wholeCount(mark.short);
  if (short === null) return { kind: 'notNumber', field: 'short' };
  if (delivered > mark.loaded) return { kind: 'overLoaded' };
  const total = delivered + damaged + short;
  if (total !== mark.loaded) return { kind: 'sum', total };
  if ((damaged > 0 || short > 0) && mark.reason.trim() === '') return { kind: 'reason' };
  if (damaged > 0 && !mark.photo) return { kind: 'photo' };
  if (!mark.checked) return { kind: 'unchecked' };
  return null;
}

/** The lines not marked yet, each with why: the signature waits until this is empty. */
export const unmarkedLines = (marks: readonly LineMark[]) =>
  marks.flatMap((m) => {
    const problem = lineProblem(m);
    return problem ? [{ lineNo: m.lineNo, problem }] : [];
  });

export const everyLineMarked = (marks: readonly LineMark[]): boolean =>
  marks.length > 0 && unmarkedLines(marks).length === 0;

/** Marking damaged or short takes the same number off what was delivered, so the sum holds. */
export function setCount(
  mark: LineMark,
  field: 'delivered' | 'damaged' | 'short',
  text: string,
): LineMark {
  const next = { ...mark, [field]: text };
  if (field === 'delivered') return next;
  const other = wholeCount(field === 'damaged' ? mark.short : mark.damaged);
  const value = wholeCount(text);
  if (value === null || other === null) return next;
  return { ...next, delivered: String(Math.max(0, mark.loaded - value - other)) };
}

export type CollectMethod = 'none' | 'cash' | 'mobile_money' | 'bank_transfer';

export interface ReturnLine {
  variantId: string;
  label: string;
  quantity: string;
}

export interface ProofForm {
  tripId: string;
  orderId: string;
  proofId: string;
  marks: LineMark[];
  returns: ReturnLine[];
  method: CollectMethod;
  /** The amount collected in minor units, parsed by the screen (null: not an amount). */
  amount: number | null;
  reference: string;
  signedBy: string;
  note: string;
  signature: string | null;
}

/** The trips.prove input: numbers as the boxes say (a box that is not a number goes as NaN, for the core to name). */
export function proveInput(f: ProofForm): InputOf<'trips.prove'> {
  const num = (text: string) => wholeCount(text) ?? Number.NaN;
  const photos: Record<string, string> = {};
  for (const m of f.marks) {
    const damaged = wholeCount(m.damaged) ?? 0;
    if (m.photo && damaged > 0) photos[String(m.lineNo)] = m.photo;
  }
  return {
    tripId: f.tripId,
    orderId: f.orderId,
    proofId: f.proofId,
    lines: f.marks.map((m) => {
      const damaged = num(m.damaged);
      const short = num(m.short);
      return {
        lineNo: m.lineNo,
        delivered: num(m.delivered),
        damaged,
        short,
        // A reason goes only with damage or shortage: a stale one typed earlier is not sent.
        reason: damaged > 0 || short > 0 ? m.reason.trim() : '',
      };
    }),
    returns: f.returns.map((r) => ({ variantId: r.variantId, quantity: num(r.quantity) })),
    collected:
      f.method === 'none'
        ? null
        : {
            amount: f.amount ?? Number.NaN,
            method: f.method,
            reference: f.method === 'cash' ? '' : f.reference.trim(),
          },
    signature: { contentBase64: f.signature ?? '' },
    photos,
    signedBy: f.signedBy.trim(),
    note: f.note.trim(),
  };
}

/**
 * A new proof id, made on the device. crypto.randomUUID exists only in secure contexts (the app,
 * HTTPS, localhost); a tablet opening web mode over the LAN's plain HTTP has getRandomValues only.
 */
export function newProofId(
  source: Pick<Crypto, 'getRandomValues'> & Partial<Crypto> = crypto,
): string {
  if (typeof source.randomUUID === 'function') return source.randomUUID();
  const b = source.getRandomValues(new Uint8Array(16));
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
