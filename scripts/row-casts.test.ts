import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { allowedReason, checkRowCasts, rowCasts } from './row-casts';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const castsIn = (text: string) => rowCasts(['fixture.ts'], () => text).map((c) => c.line);

describe('row casts', () => {
  it('finds a cast on a row-returning call, on a variable holding rows, and on a callback row', () => {
    const text = [
      `const a = db.prepare('SELECT 1').get(id) as { n: number };`,
      `const b = <Row[]>db.prepare('SELECT 1').all();`,
      `const rows = db.prepare('SELECT 1').all();`,
      `const c = rows as Row[];`,
      `const d = db.prepare('SELECT 1').all().map((r) => r as Row);`,
      `const e = (await pool.query('SELECT 1')).rows as Row[];`,
      `const f = db.prepare('SELECT 1').pluck().get() as unknown as number;`,
      `for (const r of db.prepare('SELECT 1').iterate() as Iterable<Row>) use(r);`,
    ].join('\n');
    expect(castsIn(text)).toEqual([1, 2, 4, 5, 6, 7, 8]);
  });

  it('lets reads without a cast pass, and casts of what is not a row', () => {
    const text = [
      `const a = db.orm.select().from(t).where(eq(t.id, id)).get();`,
      `const b = parseRows(row, db.prepare('SELECT 1').all());`,
      `const c = db.prepare('SELECT 1').get() as unknown;`,
      `const d = JSON.parse(text) as Saved;`,
      `const e = [1, 2] as const;`,
      `function f(rows: unknown) { return rows as Row[]; }`,
      `const g = Object.fromEntries(pairs) as Record<string, string>;`,
    ].join('\n');
    expect(castsIn(text)).toEqual([]);
  });

  it('says why each allowed file may still cast rows', () => {
    expect(allowedReason('core/sync/apply.ts')).toMatch(/hot path/);
    expect(allowedReason('core/bench/history.ts')).toMatch(/benchmarks/);
    expect(allowedReason('core/auth/users.ts')).toBeUndefined();
    expect(allowedReason('core/catalog/queries.ts')).toBeUndefined();
  });

  it('finds no row cast in this repository outside the allowed files', () => {
    expect(checkRowCasts(repoRoot).casts).toEqual([]);
  });
});
