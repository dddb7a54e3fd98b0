// Whether a database's schema is exactly the one this build makes, object by object. A restore
// compares a backup with what the shipped migrations make (core/backup/accept.ts for the branch
// database, sync-server/backup/accept-store.ts for head office's event store): the rows of a
// backup are taken as they are, but a table, view or trigger the app never makes would come back
// with them and run inside the app (a trigger that empties a table on every new event, say).
import type Database from 'better-sqlite3';
import { basename } from 'node:path';
import { z } from 'zod';
import { DomainError } from '../errors';
import { parseRows } from './rows';

export interface SchemaDifference {
  /** missing: the expected schema has it and the database lacks it; extra: the other way round. */
  kind: 'missing' | 'extra' | 'changed';
  /** table, index, view or trigger (or whatever else a forged sqlite_master row says). */
  type: string;
  name: string;
}

const objectRow = z.object({
  type: z.string(),
  name: z.string(),
  tbl_name: z.string(),
  sql: z.string().nullable(),
});

// SQLite's own objects: the counters of AUTOINCREMENT tables, ANALYZE's statistics (which steer
// query plans, never results) and the indexes behind UNIQUE and PRIMARY KEY, which follow from
// their table's SQL (compared anyway). Anything else named sqlite_… can only have been written
// into sqlite_master by hand, and is compared like any other object.
const SQLITE_OWN = `(type = 'table' AND (name = 'sqlite_sequence' OR name LIKE 'sqlite\\_stat%' ESCAPE '\\'))
  OR (type = 'index' AND sql IS NULL AND name LIKE 'sqlite\\_autoindex\\_%' ESCAPE '\\')`;

/**
 * A statement's SQL as it compares: how it was typed or patched is not what it makes. ALTER TABLE
 * ADD COLUMN splices its text into the table's, so a store made by an older build and patched
 * (sync-server/store/testing/legacy-schemas.ts) differs from a fresh one in spaces and line breaks
 * only, around commas and brackets.
 */
export const comparableSql = (sql: string | null): string =>
  (sql ?? '')
    .replace(/\s+/g, ' ')
    .replace(/\s*([(),])\s*/g, '$1')
    .trim();

export type SchemaObject = z.infer<typeof objectRow>;

/** The schema's objects but SQLite's own, tables first, each kind in the order it was made. */
export const schemaObjects = (db: Database.Database): SchemaObject[] =>
  parseRows(
    objectRow,
    db
      .prepare(
        `SELECT type, name, tbl_name, sql FROM sqlite_master WHERE NOT (${SQLITE_OWN})
         ORDER BY type <> 'table', rowid`,
      )
      .all(),
  );

const byKey = (db: Database.Database) =>
  new Map(schemaObjects(db).map((object) => [`${object.type} ${object.name}`, object]));

/**
 * What `actual` has that `expected` lacks (extra), the other way round (missing), and the objects
 * both have with other SQL or on another table (changed). Extra objects come first: they are
 * what could do harm, and the first difference is the one a refusal names.
 */
export function schemaDifferences(
  actual: Database.Database,
  expected: Database.Database,
): SchemaDifference[] {
  const mine = byKey(actual);
  const theirs = byKey(expected);
  const extra: SchemaDifference[] = [];
  const changed: SchemaDifference[] = [];
  const missing: SchemaDifference[] = [];
  for (const [key, object] of mine) {
    const made = theirs.get(key);
    const difference = { type: object.type, name: object.name };
    if (!made) extra.push({ kind: 'extra', ...difference });
    else if (
      made.tbl_name !== object.tbl_name ||
      comparableSql(made.sql) !== comparableSql(object.sql)
    )
      changed.push({ kind: 'changed', ...difference });
  }
  for (const [key, object] of theirs)
    if (!mine.has(key)) missing.push({ kind: 'missing', type: object.type, name: object.name });
  return [...extra, ...changed, ...missing];
}

const article = (type: string) => (/^[aeiou]/i.test(type) ? 'an' : 'a');

/**
 * The differences in words, the first named and the rest counted, for a refusal: "it has a
 * trigger "x" that the app never makes (and 2 other differences)". `maker` is who makes the
 * schema: "the app", "the server".
 */
export function describeSchemaDifferences(differences: SchemaDifference[], maker: string): string {
  const [first, ...rest] = differences;
  if (!first) return 'its schema is the one expected';
  const named =
    first.kind === 'extra'
      ? `it has ${article(first.type)} ${first.type} "${first.name}" that ${maker} never makes`
      : first.kind === 'missing'
        ? `it lacks the ${first.type} "${first.name}" that ${maker} makes`
        : `its ${first.type} "${first.name}" is not the one ${maker} makes`;
  return rest.length === 0
    ? named
    : `${named} (and ${rest.length} other difference${rest.length === 1 ? '' : 's'})`;
}

/**
 * The refusal of a file that is not a backup of `what` (why, in words; `reason` for the caller),
 * saying that nothing was restored and what to choose instead (`whatToDo`).
 */
export const notABackupOf =
  (what: string, whatToDo: string) =>
  (file: string, why: string, reason: string, details: Record<string, unknown> = {}) =>
    new DomainError(
      'FILE_REJECTED',
      `${basename(file)} is not a backup of ${what}: ${why}. Nothing was restored; ${whatToDo}.`,
      { reason, ...details },
    );
