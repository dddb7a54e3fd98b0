// Every language says everything: a key missing (or empty) in any language's namespace fails,
// and so does a placeholder ({{n}}) that one language names and another does not.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const shipped = join(dirname(fileURLToPath(import.meta.url)), 'src/locales');

type Strings = { [key: string]: unknown };

/** 'a.b.c' → its string, for every leaf of a namespace file. */
function leaves(strings: Strings, prefix = ''): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [key, value] of Object.entries(strings)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'object' && value !== null && !Array.isArray(value))
      for (const [k, v] of leaves(value as Strings, path)) out.set(k, v);
    else out.set(path, value);
  }
  return out;
}

const load = (root: string, language: string, namespace: string): Map<string, unknown> => {
  const text = readFileSync(join(root, language, `${namespace}.json`), 'utf8');
  return leaves(JSON.parse(text) as Strings);
};

const placeholders = (s: string): string[] =>
  [...s.matchAll(/\{\{\s*([\w.]+)[^}]*\}\}/g)].map((m) => m[1] ?? '').sort();

const namespaces = (root: string, language: string) =>
  readdirSync(join(root, language))
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .sort();

/** Everything one language lacks or says differently, as lines a translator can act on. */
function problemsOf(root: string): string[] {
  const languages = readdirSync(root).sort();
  const english = namespaces(root, 'en');
  const problems: string[] = [];
  for (const language of languages) {
    const own = namespaces(root, language);
    for (const namespace of english)
      if (!own.includes(namespace)) problems.push(`${language}/${namespace}.json is missing`);
    for (const namespace of own)
      if (!english.includes(namespace))
        problems.push(`${language}/${namespace}.json is not in English`);
  }
  for (const namespace of english) {
    const words = load(root, 'en', namespace);
    for (const language of languages) {
      if (!namespaces(root, language).includes(namespace)) continue;
      const other = load(root, language, namespace);
      for (const [key, value] of words) {
        const said = other.get(key);
        if (typeof said !== 'string' || said.trim() === '')
          problems.push(`${language}/${namespace}.json: "${key}" is missing or empty`);
        else if (
          typeof value === 'string' &&
          placeholders(value).join() !== placeholders(said).join()
        )
          problems.push(
            `${language}/${namespace}.json: "${key}" has placeholders ${placeholders(said).join() || 'none'}, English has ${placeholders(value).join() || 'none'}`,
          );
      }
      for (const key of other.keys())
        if (!words.has(key))
          problems.push(`${language}/${namespace}.json: "${key}" is not in English`);
    }
  }
  return problems;
}

describe('translations', () => {
  it('has English and Amharic, and every language says every key with the same placeholders', () => {
    expect(readdirSync(shipped)).toEqual(expect.arrayContaining(['en', 'am']));
    expect(problemsOf(shipped)).toEqual([]);
  });

  it('the check finds a missing key, an empty one, a stray one and a lost placeholder', () => {
    const root = mkdtempSync(join(tmpdir(), 'fse-locales-'));
    const write = (language: string, namespace: string, strings: object) => {
      mkdirSync(join(root, language), { recursive: true });
      writeFileSync(join(root, language, `${namespace}.json`), JSON.stringify(strings));
    };
    write('en', 'stock', { a: 'A', b: { c: '{{n}} left' }, d: 'D' });
    write('am', 'stock', { a: '', b: { c: 'ቀሪ' }, e: 'E' });
    write('en', 'orders', { x: 'X' });
    expect(problemsOf(root).sort()).toEqual(
      [
        'am/orders.json is missing',
        'am/stock.json: "a" is missing or empty',
        'am/stock.json: "b.c" has placeholders none, English has n',
        'am/stock.json: "d" is missing or empty',
        'am/stock.json: "e" is not in English',
      ].sort(),
    );
  });
});
