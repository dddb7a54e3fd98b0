// A page read ahead (core/sync/page-reader.ts) has each event checked on the reader's thread:
// parsed with its type's schema and written as JSON, or set aside as a newer app's. Applying
// such a page must leave exactly what applying the page as received leaves: the same log (each
// event's payload text and status), the same conflicts and the same state.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../db/open';
import { stateHash } from '../db/stateHash';
import { applyOrdered, checkedEvent, type CheckedEvent } from './apply';
import type { OrderedEvent } from './protocol';

const dir = mkdtempSync(join(tmpdir(), 'fse-checked-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

/** What a replica holds after applying `events` as one page: its log, conflicts and state. */
function applied(events: CheckedEvent[]) {
  const db: Db = openDatabase(join(dir, `db${++n}.sqlite`));
  try {
    // The branch its customers belong to, as a replica knows it before any of them.
    db.sqlite
      .prepare(
        `INSERT INTO branches (id, code, name, kind) VALUES ('HQ', 'HQ', 'Head office', 'head_office')`,
      )
      .run();
    db.sqlite.transaction(() => applyOrdered(db, events)).immediate();
    return {
      log: db.sqlite
        .prepare('SELECT id, type, payload, apply_status, server_seq FROM events ORDER BY seq')
        .all(),
      conflicts: db.sqlite
        .prepare('SELECT event_id, code, message FROM conflicts ORDER BY event_id')
        .all(),
      state: stateHash(db),
    };
  } finally {
    db.close();
  }
}

const customers = ['c1', 'c2', 'c3'];
// Payloads of customer.saved as a PC may meet them: its own, with a newer app's field, refused
// by its schema; and events of a type this app does not know.
const event = fc.oneof(
  fc.record({
    kind: fc.constant('saved' as const),
    id: fc.constantFrom(...customers),
    name: fc.string({ maxLength: 12 }),
    phone: fc.option(fc.stringMatching(/^\+?[0-9 ]{0,12}$/), { nil: null }),
  }),
  fc.record({
    kind: fc.constant('newer' as const),
    id: fc.constantFrom(...customers),
    extra: fc.jsonValue(),
  }),
  fc.record({ kind: fc.constant('refused' as const), id: fc.constantFrom(...customers) }),
  fc.record({ kind: fc.constant('unknown' as const), body: fc.jsonValue() }),
);
type Drawn = typeof event extends fc.Arbitrary<infer T> ? T : never;

function wire(drawn: Drawn, i: number): OrderedEvent {
  const stamp = `${String(1_000 + i).padStart(15, '0')}-000000-pc`;
  const base = {
    id: randomUUID(),
    schemaVersion: 1,
    branchId: 'HQ',
    deviceId: 'pc',
    userId: 'u',
    hlc: stamp,
    createdAt: 1_700_000_000_000 + i,
    seq: i + 1,
    receivedHlc: stamp,
  };
  switch (drawn.kind) {
    case 'saved':
      return {
        ...base,
        type: 'customer.saved',
        aggregateId: drawn.id,
        payload: { id: drawn.id, branchId: 'HQ', name: drawn.name, phone: drawn.phone },
      };
    case 'newer':
      return {
        ...base,
        type: 'customer.saved',
        aggregateId: drawn.id,
        payload: { id: drawn.id, branchId: 'HQ', name: 'N', newerField: drawn.extra },
      };
    case 'refused':
      return {
        ...base,
        type: 'customer.saved',
        aggregateId: drawn.id,
        payload: { id: drawn.id, name: 42 },
      };
    case 'unknown':
      return { ...base, type: 'future.thing', aggregateId: null, payload: { body: drawn.body } };
  }
}

describe('events checked ahead of their page', () => {
  it('are parsed, set aside or left to applying, each as applying would', () => {
    const [saved, newer, refused, unknown] = (
      [
        { kind: 'saved', id: 'c1', name: 'Abebe', phone: null },
        { kind: 'newer', id: 'c1', extra: 1 },
        { kind: 'refused', id: 'c1' },
        { kind: 'unknown', body: null },
      ] as const
    ).map((d, i) => checkedEvent(wire(d, i)));
    expect(saved!.checked).toEqual({
      kind: 'parsed',
      payloadText: '{"id":"c1","branchId":"HQ","name":"Abebe","phone":null}',
    });
    expect(newer!.checked).toEqual({ kind: 'deferred' });
    expect(newer!.payload).toEqual({ id: 'c1', branchId: 'HQ', name: 'N', newerField: 1 });
    expect(refused!.checked).toBeUndefined();
    expect(unknown!.checked).toEqual({ kind: 'deferred' });
  });

  it('leave the same log, conflicts and state as the page applied as received (property)', () => {
    fc.assert(
      fc.property(fc.array(event, { minLength: 1, maxLength: 12 }), (drawn) => {
        const page = drawn.map(wire);
        // Handed over as the reader does: as JSON, from another thread.
        const ahead = JSON.parse(JSON.stringify(page.map(checkedEvent))) as CheckedEvent[];
        const want = applied(page);
        expect(applied(ahead)).toEqual(want);
        // The page did what its events say: each refused one is a conflict, each newer one kept.
        expect(want.conflicts).toHaveLength(drawn.filter((d) => d.kind === 'refused').length);
        expect(
          want.log.filter((r) => (r as { apply_status: string }).apply_status === 'deferred'),
        ).toHaveLength(drawn.filter((d) => d.kind === 'newer' || d.kind === 'unknown').length);
      }),
      { numRuns: 40 },
    );
  });
});
