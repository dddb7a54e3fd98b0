// Master data merges per field, last writer wins by hybrid logical clock, so replicas that
// see the same edits in any order agree, and an old edit never overwrites a newer one.
import { z } from 'zod';
import type { Db } from '../db/open';
import { parseRow } from '../db/rows';

// Raw SQL: the table is a parameter (every master-data table merges the same way); parsed rows.
const clocksRow = z.object({ clocks: z.string() });

/**
 * A row's stamps: field name to HLC. Checked by hand, not with zod's record, which cost about
 * 2.5 µs a merge (5% of `npm run bench:sync`'s pull-and-apply, where every master-data event
 * merges).
 */
function clocksOf(text: string): Record<string, string> {
  const parsed: unknown = JSON.parse(text);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new Error(`clocks: ${text.slice(0, 80)} is not an object of field stamps`);
  for (const stamp of Object.values(parsed))
    if (typeof stamp !== 'string')
      throw new Error(`clocks: ${text.slice(0, 80)} has a stamp that is not text`);
  return parsed as Record<string, string>;
}

const snake = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const sqlValue = (v: unknown) => (typeof v === 'boolean' ? (v ? 1 : 0) : v);
/** Key order must not depend on the order edits arrived in: the state hash covers this text. */
const stampsText = (clocks: Record<string, string>) =>
  JSON.stringify(Object.fromEntries(Object.entries(clocks).sort(([a], [b]) => (a < b ? -1 : 1))));

export function mergeRow(
  db: Db,
  table: string,
  id: string,
  hlc: string,
  fields: Record<string, unknown>,
): { created: boolean; changed: string[] } {
  const present = Object.entries(fields).filter(([, v]) => v !== undefined);
  const row = parseRow(
    clocksRow,
    db.sqlite.prepare(`SELECT clocks FROM ${table} WHERE id = ?`).get(id),
  );
  const stamps = Object.fromEntries(present.map(([k]) => [k, hlc]));
  if (!row) {
    const cols = ['id', ...present.map(([k]) => snake(k)), 'clocks'];
    db.sqlite
      .prepare(
        `INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`,
      )
      .run(id, ...present.map(([, v]) => sqlValue(v)), stampsText(stamps));
    return { created: true, changed: present.map(([k]) => k) };
  }
  const clocks = clocksOf(row.clocks);
  const winners = present.filter(([k]) => (clocks[k] ?? '') < hlc);
  if (winners.length === 0) return { created: false, changed: [] };
  for (const [k] of winners) clocks[k] = hlc;
  db.sqlite
    .prepare(
      `UPDATE ${table} SET ${winners.map(([k]) => `${snake(k)} = ?`).join(', ')}, clocks = ? WHERE id = ?`,
    )
    .run(...winners.map(([, v]) => sqlValue(v)), stampsText(clocks), id);
  return { created: false, changed: winners.map(([k]) => k) };
}
