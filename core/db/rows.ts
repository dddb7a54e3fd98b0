// Rows of raw SQL, checked where they are read. Raw SQL stays where drizzle's query builder has
// no word for the query (json_each, a computed name) or where `npm run bench` shows it is slower;
// its rows are parsed here rather than cast, so a renamed column fails where it is read.
import type { z } from 'zod';

/** The row parsed by `schema`, or undefined when the statement found none. */
export const parseRow = <S extends z.ZodType>(schema: S, row: unknown): z.output<S> | undefined =>
  row === undefined ? undefined : schema.parse(row);

export const parseRows = <S extends z.ZodType>(schema: S, rows: unknown[]): z.output<S>[] =>
  rows.map((row) => schema.parse(row));
