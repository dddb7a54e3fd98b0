// The server package's node_modules: the packages its bundles import and everything those need
// at run time, copied from the repository's node_modules (installed by `npm ci`, native modules
// built for this Node.js), each at the same place, so Node resolves them as it does there. What
// `npm ci --omit=dev` would install for those packages, without the registry.
import { cpSync, existsSync, readFileSync, realpathSync } from 'node:fs';
import { basename, dirname, join, relative, sep } from 'node:path';
import { z } from 'zod';

const manifestSchema = z.object({
  name: z.string(),
  version: z.string(),
  dependencies: z.record(z.string(), z.string()).optional(),
  optionalDependencies: z.record(z.string(), z.string()).optional(),
  peerDependencies: z.record(z.string(), z.string()).optional(),
  peerDependenciesMeta: z.record(z.string(), z.object({ optional: z.boolean() })).optional(),
});

export interface CopiedPackage {
  name: string;
  version: string;
  /** Relative to the repository, with `/`: node_modules/a or node_modules/a/node_modules/b. */
  path: string;
}

/**
 * Only what a package loads at run time, where its published folder holds much more: better-sqlite3
 * ships SQLite's C sources and build leftovers beside the compiled module (which `bindings` finds
 * in build/Release).
 */
const runtimeFiles: Record<string, (path: string) => boolean> = {
  'better-sqlite3': (path) =>
    path === 'package.json' ||
    path === 'LICENSE' ||
    /^lib(\/|$)/.test(path) ||
    ['build', 'build/Release', 'build/Release/better_sqlite3.node'].includes(path),
};

/** The folder `name` resolves to from a package in `from` (Node's lookup up the node_modules). */
function resolvePackage(repo: string, from: string, name: string): string | null {
  for (let dir = from; ; dir = dirname(dir)) {
    if (basename(dir) !== 'node_modules') {
      const candidate = join(dir, 'node_modules', name);
      if (existsSync(join(candidate, 'package.json'))) return candidate;
    }
    if (dir === repo || relative(repo, dir).startsWith('..')) return null;
  }
}

/** Copies `names` (as the bundles import them) and their runtime dependencies from repo to out. */
export function copyProductionModules(repo: string, out: string, names: string[]): CopiedPackage[] {
  const copied = new Map<string, CopiedPackage>();
  const queue = names.map((name) => ({ name, from: repo, neededBy: 'the server bundles' }));
  for (let next = queue.shift(); next; next = queue.shift()) {
    const { name, from, neededBy } = next;
    const found = resolvePackage(repo, from, name);
    if (!found)
      throw new Error(
        `${name}, which ${neededBy} needs, is not installed in ${join(repo, 'node_modules')}: run "npm ci" first.`,
      );
    const dir = realpathSync(found);
    const path = relative(repo, found).split(sep).join('/');
    if (copied.has(path)) continue;
    const manifest = manifestSchema.parse(
      JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')),
    );
    copied.set(path, { name: manifest.name, version: manifest.version, path });
    const keep = runtimeFiles[manifest.name] ?? (() => true);
    cpSync(dir, join(out, path), {
      recursive: true,
      filter: (source) => {
        const inside = relative(dir, source).split(sep).join('/');
        // Its own dependencies are copied on their own, when something needs them.
        return inside === '' || (!/^node_modules(\/|$)/.test(inside) && keep(inside));
      },
    });
    const optional = Object.keys(manifest.optionalDependencies ?? {});
    const needs = [
      ...Object.keys(manifest.dependencies ?? {}).filter((dep) => !optional.includes(dep)),
      ...Object.keys(manifest.peerDependencies ?? {}).filter(
        (peer) => !manifest.peerDependenciesMeta?.[peer]?.optional,
      ),
    ];
    for (const dep of needs) queue.push({ name: dep, from: found, neededBy: manifest.name });
    // Installed where the platform allows it (npm skips the others); loaded only if present.
    for (const dep of optional)
      if (resolvePackage(repo, found, dep))
        queue.push({ name: dep, from: found, neededBy: manifest.name });
  }
  return [...copied.values()].sort((a, b) => a.path.localeCompare(b.path));
}
