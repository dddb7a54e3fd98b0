// Import cycles, type-only imports included: a cycle means no file in it can be read, tested or
// moved without all the others. `npm run lint` runs this and fails on any cycle it finds.
// (eslint-plugin-import's no-cycle would need a plugin and a TypeScript resolver; this needs
// neither and reads the whole tree in a fraction of a second.)
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/** The folders whose TypeScript is checked; tests and benchmarks are checked with the rest. */
export const checkedFolders = ['core', 'electron', 'sync-server', 'renderer'];

/**
 * Cycles allowed for now: none. An entry is a debt to pay in the change that adds it (the check
 * says when an entry is stale); move what both sides need into a leaf file instead.
 */
export const knownCycles: readonly (readonly string[])[] = [];

const sourceFile = /\.(ts|tsx)$/;
const skipped = new Set(['node_modules', 'dist', 'release', 'coverage']);

export function sourcesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    if (skipped.has(name)) return [];
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourcesUnder(path);
    return sourceFile.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

/** The file a relative specifier names, as the bundler resolution does; null if none. */
function resolveSpecifier(from: string, specifier: string): string | null {
  if (!specifier.startsWith('.')) return null;
  const base = resolve(dirname(from), specifier);
  const candidates = [
    base,
    ...['.ts', '.tsx'].map((ext) => base + ext),
    base.replace(/\.js$/, '.ts'),
    ...['index.ts', 'index.tsx'].map((index) => join(base, index)),
  ];
  return (
    candidates.find((c) => sourceFile.test(c) && existsSync(c) && statSync(c).isFile()) ?? null
  );
}

/** Each file and the files it imports (`import`, `import type`, `export … from`, `import()`). */
export function importGraph(
  files: readonly string[],
  read = (f: string) => readFileSync(f, 'utf8'),
) {
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const { importedFiles } = ts.preProcessFile(read(file), true, true);
    const targets = importedFiles.flatMap((i) => resolveSpecifier(file, i.fileName) ?? []);
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/** Every cycle as its strongly connected component (Tarjan), each sorted, largest first. */
export function cyclesOf(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  interface Visit {
    node: string;
    index: number;
    low: number;
    onStack: boolean;
    /** The next of its imports to look at. */
    next: number;
  }
  const visits = new Map<string, Visit>();
  const stack: Visit[] = [];
  const found: string[][] = [];
  const visit = (node: string): Visit => {
    const v = { node, index: visits.size, low: visits.size, onStack: true, next: 0 };
    visits.set(node, v);
    stack.push(v);
    return v;
  };

  // Iterative, so a long import chain cannot overflow the call stack.
  for (const root of graph.keys()) {
    if (visits.has(root)) continue;
    const path: Visit[] = [visit(root)];
    for (let frame = path.at(-1); frame; frame = path.at(-1)) {
      const edges = graph.get(frame.node) ?? [];
      const to = edges[frame.next++];
      if (to !== undefined) {
        if (!graph.has(to)) continue;
        const seen = visits.get(to);
        if (!seen) path.push(visit(to));
        else if (seen.onStack) frame.low = Math.min(frame.low, seen.index);
        continue;
      }
      path.pop();
      const parent = path.at(-1);
      if (parent) parent.low = Math.min(parent.low, frame.low);
      if (frame.low !== frame.index) continue;
      const component: string[] = [];
      for (let member = stack.pop(); member; member = stack.pop()) {
        member.onStack = false;
        component.push(member.node);
        if (member === frame) break;
      }
      const selfImport = edges.includes(frame.node);
      if (component.length > 1 || selfImport) found.push(component.sort());
    }
  }
  return found.sort((a, b) => b.length - a.length);
}

export function findCycles(root: string): string[][] {
  const files = checkedFolders.flatMap((folder) => sourcesUnder(join(root, folder)));
  return cyclesOf(importGraph(files)).map((cycle) => cycle.map((f) => relative(root, f)));
}

const sameFiles = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && [...a].sort().every((f, i) => f === [...b].sort()[i]);

/** The cycles that are not on the known list, and the known entries that are cycles no more. */
export function checkCycles(
  found: readonly string[][],
  known: readonly (readonly string[])[] = knownCycles,
): { cycles: string[][]; stale: (readonly string[])[] } {
  return {
    cycles: found.filter((cycle) => !known.some((k) => sameFiles(k, cycle))),
    stale: known.filter((k) => !found.some((cycle) => sameFiles(k, cycle))),
  };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const { cycles, stale } = checkCycles(findCycles(root));
  for (const entry of stale)
    console.warn(`import cycles: ${entry.join(' ~ ')} is no cycle now; take it off knownCycles.`);
  for (const cycle of cycles)
    console.error(`import cycle of ${cycle.length} files:\n  ${cycle.join('\n  ')}`);
  if (cycles.length > 0) {
    console.error(
      `${cycles.length} import cycle(s). Move what both sides need into a file that imports neither (types into a leaf file, say).`,
    );
    process.exit(1);
  }
  console.log('import cycles: none');
}
