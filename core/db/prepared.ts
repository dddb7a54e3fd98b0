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
