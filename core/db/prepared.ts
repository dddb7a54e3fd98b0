// Drizzle's prepared queries, built once per open database. A query built with `db.orm` at each
// call spends far longer building its SQL than SQLite spends running it (about 150 µs against
// 8 µs for a balance), so a query run more than once is declared with `prepared` and run with
// its placeholders: `const byId = prepared((orm) => orm.select()…where(eq(t.id, sql.placeholder('id'))).prepare());`
// then `byId(db).get({ id })`.
import type { Db, Orm } from './open';

export function prepared<P>(build: (orm: Orm) => P): (db: Db) => P {
  const built = new WeakMap<Orm, P>();
  return (db) => {
    let query = built.get(db.orm);
    if (query === undefined) {
      query = build(db.orm);
      built.set(db.orm, query);
    }
    return query;
  };
}

/** What a raw statement is used for here: its rows, or its one row. */
export interface SqlStatement {
  all(...params: unknown[]): unknown[];
  get(...params: unknown[]): unknown;
}
const statements = new WeakMap<Db, Map<string, SqlStatement>>();
/** A raw SQL statement prepared once per SQL text and open database (reads built per call). */
export function cachedSql(db: Db, sql: string): SqlStatement {
  let m = statements.get(db);
  if (!m) statements.set(db, (m = new Map()));
  let s = m.get(sql);
  if (!s) m.set(sql, (s = db.sqlite.prepare(sql)));
  return s;
}
