// The proof form's rule: the signature waits until every line is marked (numbers that add up to
// what was loaded, a reason for damage or shortage, a photo for damage, and the driver's tick),
// and the input it sends is the one the core checks. Random forms (seeded) against the rule
// written out again plainly.
import { describe, expect, it } from 'vitest';
import {
  everyLineMarked,
  lineProblem,
  newMarks,
  newProofId,
  proveInput,
  setCount,
  unmarkedLines,
  type LineMark,
} from './proof';

const lines = [
  { lineNo: 1, variantId: 'v1', sku: 'MUG-S', name: 'Mug S', quantity: 5 },
  { lineNo: 2, variantId: 'v2', sku: 'MUG-M', name: 'Mug M', quantity: 3 },
];

function prng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('the proof form', () => {
  it('starts with everything delivered and nothing marked: the signature waits', () => {
    const marks = newMarks(lines);
    expect(marks.map((m) => m.delivered)).toEqual(['5', '3']);
    expect(everyLineMarked(marks)).toBe(false);
    expect(unmarkedLines(marks).map((u) => u.problem.kind)).toEqual(['unchecked', 'unchecked']);
    const ticked = marks.map((m) => ({ ...m, checked: true }));
    expect(everyLineMarked(ticked)).toBe(true);
    expect(everyLineMarked([])).toBe(false);
  });

  it('takes damaged and short off delivered, and asks for a reason and a photo', () => {
    let m: LineMark = { ...newMarks(lines)[0]!, checked: true };
    m = setCount(m, 'damaged', '1');
    expect(m.delivered).toBe('4');
    m = setCount(m, 'short', '2');
    expect(m.delivered).toBe('2');
    expect(lineProblem(m)).toEqual({ kind: 'reason' });
    m = { ...m, reason: 'broken in the van' };
    expect(lineProblem(m)).toEqual({ kind: 'photo' });
    m = { ...m, photo: 'AAAA' };
    expect(lineProblem(m)).toBeNull();
    // Typing delivered by hand leaves the others: the sum then says what is wrong.
    m = setCount(m, 'delivered', '6');
    expect(lineProblem(m)).toEqual({ kind: 'overLoaded' });
    m = setCount(m, 'delivered', '1');
    expect(lineProblem(m)).toEqual({ kind: 'sum', total: 4 });
    expect(lineProblem({ ...m, short: '-1' })).toEqual({ kind: 'notNumber', field: 'short' });
    expect(lineProblem({ ...m, delivered: '1.5' })).toEqual({
      kind: 'notNumber',
      field: 'delivered',
    });
  });

  it('agrees with the rule written plainly, on random forms', () => {
    const next = prng(16);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]!;
    for (let run = 0; run < 2000; run++) {
      const loaded = 1 + Math.floor(next() * 6);
      const box = () => pick(['0', '1', '2', String(loaded), '', 'x', '-1', '7']);
      const m: LineMark = {
        lineNo: 1,
        loaded,
        delivered: box(),
        damaged: box(),
        short: box(),
        reason: pick(['', ' ', 'late']),
        photo: pick([null, 'AAAA']),
        checked: next() < 0.7,
      };
      const n = (s: string) => (/^\d+$/.test(s) ? Number(s) : null);
      const [d, dm, sh] = [n(m.delivered), n(m.damaged), n(m.short)];
      const plain =
        d !== null &&
        dm !== null &&
        sh !== null &&
        d + dm + sh === loaded &&
        (dm + sh === 0 || m.reason.trim() !== '') &&
        (dm === 0 || m.photo !== null) &&
        m.checked;
      expect(lineProblem(m) === null, JSON.stringify(m)).toBe(plain);
    }
  });

  it('sends the numbers, photos only of damage, a reason only with damage or shortage, and the proof id', () => {
    const [a, b] = newMarks(lines) as [LineMark, LineMark];
    const input = proveInput({
      tripId: 't1',
      orderId: 'o1',
      proofId: 'p1',
      marks: [
        { ...setCount(a, 'damaged', '1'), reason: ' cracked ', photo: 'PHOTO', checked: true },
        { ...b, reason: 'stale', photo: 'STALE', checked: true },
      ],
      returns: [{ variantId: 'crate', label: 'Crate', quantity: '4' }],
      method: 'mobile_money',
      amount: 12_500,
      reference: ' TX-9 ',
      signedBy: ' Abebe ',
      note: '',
      signature: 'iVBORw0KGg',
    });
    expect(input).toEqual({
      tripId: 't1',
      orderId: 'o1',
      proofId: 'p1',
      lines: [
        { lineNo: 1, delivered: 4, damaged: 1, short: 0, reason: 'cracked' },
        { lineNo: 2, delivered: 3, damaged: 0, short: 0, reason: '' },
      ],
      returns: [{ variantId: 'crate', quantity: 4 }],
      collected: { amount: 12_500, method: 'mobile_money', reference: 'TX-9' },
      signature: { contentBase64: 'iVBORw0KGg' },
      photos: { '1': 'PHOTO' },
      signedBy: 'Abebe',
      note: '',
    });
    const cash = proveInput({
      tripId: 't1',
      orderId: 'o1',
      proofId: 'p1',
      marks: [a, b],
      returns: [],
      method: 'cash',
      amount: 100,
      reference: 'ignored',
      signedBy: 'x',
      note: '',
      signature: 's',
    });
    expect(cash.collected).toEqual({ amount: 100, method: 'cash', reference: '' });
    expect(
      proveInput({
        ...{
          tripId: 't',
          orderId: 'o',
          proofId: 'p',
          marks: [a],
          returns: [],
          method: 'none',
          amount: null,
          reference: '',
          signedBy: 'x',
          note: '',
          signature: 's',
        },
      }).collected,
    ).toBeNull();
  });

  it('makes a proof id with randomUUID, or from random bytes where the page is not secure', () => {
    expect(newProofId({ randomUUID: () => 'a-b-c-d-e', getRandomValues: (a) => a })).toBe(
      'a-b-c-d-e',
    );
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const made = newProofId({ getRandomValues: (a) => crypto.getRandomValues(a) });
      expect(made).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      seen.add(made);
    }
    expect(seen.size).toBe(200);
  });
});
