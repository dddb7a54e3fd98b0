// Histories for the forecast back-test from a file, so it can be scored on sales it was not
// tuned on: CSV `series,day,quantity` (day 0..n within each series; a header line allowed) or JSON
// `{ "series": [{ "id", "kind"?, "history": number[] }] }`. Anything else is refused with the line
// or path at fault, rather than guessed at.
import { readFileSync } from 'node:fs';
import { z } from 'zod';

export interface BenchSeries {
  id: string;
  kind?: string;
  history: number[];
}

const quantity = z.number().finite().nonnegative();
const jsonInput = z.object({
  series: z.array(
    z.object({
      id: z.union([z.string(), z.number()]).transform(String),
      kind: z.string().optional(),
      history: z.array(quantity),
    }),
  ),
});

export function readHistories(file: string): BenchSeries[] {
  const text = readFileSync(file, 'utf8');
  if (text.trimStart().startsWith('{')) return jsonInput.parse(JSON.parse(text)).series;
  return parseCsv(text, file);
}

export function parseCsv(text: string, file = 'input'): BenchSeries[] {
  const days = new Map<string, Map<number, number>>();
  const lines = text.split(/\r?\n/);
  for (const [index, line] of lines.entries()) {
    if (line.trim() === '') continue;
    const cells = line.split(',').map((c) => c.trim().replace(/^"(.*)"$/, '$1'));
    if (index === 0 && cells[1]?.toLowerCase() === 'day') continue;
    const [series, dayText, quantityText] = cells;
    const day = Number(dayText);
    const sold = Number(quantityText);
    if (
      cells.length !== 3 ||
      !series ||
      !Number.isInteger(day) ||
      day < 0 ||
      !quantity.safeParse(sold).success
    )
      throw new Error(`${file}:${index + 1}: expected series,day,quantity, got "${line}"`);
    const perDay = days.get(series) ?? new Map<number, number>();
    if (perDay.has(day))
      throw new Error(`${file}:${index + 1}: day ${day} of ${series} given twice`);
    perDay.set(day, sold);
    days.set(series, perDay);
  }
  // A day a series does not list is a day nothing of it sold.
  return [...days].map(([id, perDay]) => {
    const history = new Array<number>(Math.max(...perDay.keys()) + 1).fill(0);
    for (const [day, sold] of perDay) history[day] = sold;
    return { id, history };
  });
}
