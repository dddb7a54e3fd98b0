// What head office's backup tests share: a product to find in a backup, and one PostgreSQL
// server for a file's tests, started before them and stopped after.
import { afterAll, beforeAll } from 'vitest';
import { startTestPostgres, type TestPostgres } from '../store/testing/postgres';
import type { World } from './world';

/** A product with one variant, named so its rows can be found in a backup's bytes. */
export const newProduct = (w: World, name: string) =>
  w.admin('catalog.createProduct', {
    name,
    category: 'Ceramics',
    variants: [{ sku: name.toUpperCase(), attributes: {}, price: 100, cost: 50, minStock: 0 }],
  });

/** Starts PostgreSQL before the tests of the describe (or file) it is called in; stops it after. */
export function usePostgres(): Pick<TestPostgres, 'createDatabase'> {
  let pg: TestPostgres | null = null;
  beforeAll(async () => {
    pg = await startTestPostgres();
  }, 120_000);
  afterAll(async () => {
    await pg?.stop();
  });
  return {
    createDatabase: (name, template) => {
      if (!pg) throw new Error('PostgreSQL has not started (usePostgres outside a describe?)');
      return pg.createDatabase(name, template);
    },
  };
}
