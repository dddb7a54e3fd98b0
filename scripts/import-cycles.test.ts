import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { checkCycles, cyclesOf, findCycles } from './import-cycles';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const graph = (edges: Record<string, string[]>) => new Map(Object.entries(edges));

let dir: string | null = null;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = null;
});

/** A small tree of files under core/, each text as given. */
function tree(files: Record<string, string>): string {
  dir = mkdtempSync(join(tmpdir(), 'fse-cycles-'));
  for (const [name, text] of Object.entries(files)) {
    const path = join(dir, 'core', name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  }
  return dir;
}

describe('import cycles', () => {
  it('finds each cycle once, and none in a chain', () => {
    expect(cyclesOf(graph({ a: ['b'], b: ['c'], c: [] }))).toEqual([]);
    expect(cyclesOf(graph({ a: ['b'], b: ['c'], c: ['a'], d: ['a'] }))).toEqual([['a', 'b', 'c']]);
    expect(cyclesOf(graph({ a: ['a'] }))).toEqual([['a']]);
  });

  it('counts type-only imports and re-exports, resolving folders and extensions', () => {
    const root = tree({
      'contract/context.ts': "import type { S } from '../sync/services';\nexport type C = S;\n",
      'sync/services.ts': "export type { E } from './engine';\nexport type S = 1;\n",
      'sync/engine.ts': "import type { C } from '../contract/context';\nexport type E = C;\n",
      'leaf/index.ts': 'export const x = 1;\n',
      'user.ts': "import { x } from './leaf';\nexport const y = x;\n",
    });
    expect(findCycles(root)).toEqual([
      ['core/contract/context.ts', 'core/sync/engine.ts', 'core/sync/services.ts'],
    ]);
  });

  it('reports only cycles not known, and known ones that are gone', () => {
    const found = [['x.ts', 'y.ts']];
    expect(checkCycles(found, [['y.ts', 'x.ts']])).toEqual({ cycles: [], stale: [] });
    expect(checkCycles(found, [['p.ts', 'q.ts']])).toEqual({
      cycles: found,
      stale: [['p.ts', 'q.ts']],
    });
  });

  it('this repository has no cycle but the known ones', () => {
    expect(checkCycles(findCycles(repoRoot)).cycles).toEqual([]);
  }, 60_000);
});
