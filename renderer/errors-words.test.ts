// The errors namespace has words for everything the core can say: a sentence for every error
// code on any wire, words for every kind of rule an input can break, and a name for every key of
// every operation's input (and an entry's name for every list). i18n.test.ts then holds every
// language to the same keys, so a new code, rule or input field without words fails here.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { operations } from '../core/contract/api';
import { issueRules, serializedCodes } from '../core/errors';

const english = JSON.parse(
  readFileSync(join(dirname(fileURLToPath(import.meta.url)), 'src/locales/en/errors.json'), 'utf8'),
) as Record<string, Record<string, string>>;

type Def = { type: string; [key: string]: unknown };
const defOf = (schema: unknown): Def | undefined =>
  (schema as { _zod?: { def?: Def } } | undefined)?._zod?.def;
const wrappers = [
  'optional',
  'nullable',
  'default',
  'readonly',
  'nonoptional',
  'catch',
  'prefault',
];

/** The schema under optional/default/pipe wrappers. */
function bare(schema: unknown): unknown {
  let s = schema;
  for (let def = defOf(s); def; def = defOf(s)) {
    if (wrappers.includes(def.type)) s = def.innerType;
    else if (def.type === 'pipe') s = def.in;
    else break;
  }
  return s;
}

/** Every object key in a schema, and which of them hold a list. */
function keysOf(schema: unknown, keys: Set<string>, lists: Set<string>): void {
  const def = defOf(bare(schema));
  if (!def) return;
  const children: unknown[] = [];
  if (def.type === 'object')
    for (const [key, child] of Object.entries(def.shape as Record<string, unknown>)) {
      keys.add(key);
      if (defOf(bare(child))?.type === 'array') lists.add(key);
      children.push(child);
    }
  if (def.type === 'array') children.push(def.element);
  if (def.type === 'union') children.push(...(def.options as unknown[]));
  if (def.type === 'intersection') children.push(def.left, def.right);
  if (def.type === 'record') children.push(def.valueType);
  if (def.type === 'pipe') children.push(def.out);
  for (const child of children) keysOf(child, keys, lists);
}

describe('words for errors', () => {
  const keys = new Set<string>();
  const lists = new Set<string>();
  for (const op of Object.values(operations)) keysOf(op.input as z.ZodType, keys, lists);

  it('reads the operations it checks', () => {
    expect(keys.size).toBeGreaterThan(50);
    expect([...lists]).toContain('lines');
  });

  it('has a sentence for every error code and words for every rule', () => {
    expect(serializedCodes.filter((code) => !english.codes?.[code])).toEqual([]);
    expect(issueRules.filter((rule) => !english.rules?.[rule])).toEqual([]);
  });

  it('names every key of every operation input, and an entry of every list', () => {
    expect([...keys].filter((key) => !english.fields?.[key])).toEqual([]);
    expect([...lists].filter((key) => !english.items?.[key])).toEqual([]);
  });
});
