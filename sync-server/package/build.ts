// `npm run build:server [-- --out DIR] [--no-deb]`: the sync server as a package that runs with
// plain `node`, without the repository, tsx or any development dependency. In dist/server/:
//   factory-shop-sync/                       the app folder (./layout.ts): `node server.mjs`
//   factory-shop-sync_<version>_<arch>.deb   on Linux (./deb.ts)
// The bundles are made with esbuild; the packages they import stay outside, in node_modules,
// copied with what they need from the repository's (./node-modules.ts), so native modules are the
// ones `npm ci` built for this Node.js and this platform: the Windows package is built on Windows
// (the release workflow zips the app folder there, with WinSW for the service).
import { build, type BuildOptions, type Plugin } from 'esbuild';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { SHIPPED, type builtWithSchema } from '../resources';
import { buildDeb, debMaintainer } from './deb';
import { BUNDLES } from './layout';
import { copyProductionModules, type CopiedPackage } from './node-modules';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const APP_FOLDER = 'factory-shop-sync';

const repoManifest = z.object({
  version: z.string(),
  engines: z.object({ node: z.string() }),
});

/** Each bundle starts with the prelude (./prelude.ts), then its entry's own code. */
const withPrelude: Plugin = {
  name: 'prelude',
  setup(b) {
    b.onResolve({ filter: /^prelude:/ }, (a) => ({
      path: a.path.slice('prelude:'.length),
      namespace: 'prelude',
    }));
    b.onLoad({ filter: /.*/, namespace: 'prelude' }, (a) => ({
      contents: `import './sync-server/package/prelude.ts';\nimport './${a.path}';\n`,
      resolveDir: repo,
      loader: 'ts',
    }));
  },
};

/** `pg`, `@scope/name` from `pg/lib/x`, `@scope/name/x`. */
const packageName = (path: string) =>
  path
    .split('/')
    .slice(0, path.startsWith('@') ? 2 : 1)
    .join('/');

/** How the package bundles its code (and the sync benchmark its server, as the package runs it). */
export const SERVER_BUNDLE: BuildOptions = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  logLevel: 'warning',
};

async function bundle(appDir: string): Promise<string[]> {
  const result = await build({
    ...SERVER_BUNDLE,
    entryPoints: Object.fromEntries(
      Object.entries(BUNDLES).map(([name, entry]) => [name, `prelude:${entry}`]),
    ),
    outExtension: { '.js': '.mjs' },
    outdir: appDir,
    absWorkingDir: repo,
    plugins: [withPrelude],
    metafile: true,
  });
  // Each entry starts what it does when it is the file node runs, and in a bundle every module
  // is that file: a bundle holding another's entry would do both.
  for (const [output, { inputs }] of Object.entries(result.metafile.outputs)) {
    const others = Object.entries(BUNDLES).filter(
      ([name, entry]) => !output.endsWith(`/${name}.mjs`) && entry in inputs,
    );
    if (others.length > 0)
      throw new Error(
        `${output} bundles ${others.map(([, entry]) => entry).join(', ')}, another bundle's entry: import what it needs from a module of its own instead.`,
      );
  }
  const imported = Object.values(result.metafile.outputs).flatMap((o) =>
    o.imports.filter((i) => i.external && !i.path.startsWith('node:')).map((i) => i.path),
  );
  return [...new Set(imported.map(packageName))].sort();
}

export interface ServerPackage {
  appDir: string;
  version: string;
  /** Every package in its node_modules. */
  packages: CopiedPackage[];
  /** The .deb, where one was built. */
  deb: string | null;
}

export async function buildServerPackage(
  options: { out?: string; deb?: boolean; compression?: 'xz' | 'fast' } = {},
): Promise<ServerPackage> {
  const out = options.out ?? join(repo, 'dist/server');
  const pkg = repoManifest.parse(JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')));
  const missing = Object.values(SHIPPED).filter((path) => !existsSync(join(repo, path)));
  if (missing.length > 0)
    throw new Error(
      `Missing from the repository: ${missing.join(', ')}.${missing.includes(SHIPPED.console) ? ' Build the console first: npm run build:renderer (npm run build:server does).' : ''}`,
    );
  const appDir = join(out, APP_FOLDER);
  rmSync(appDir, { recursive: true, force: true });
  mkdirSync(appDir, { recursive: true });

  const imported = await bundle(appDir);
  // Without source maps, as the desktop installer (electron-builder.yml).
  for (const path of Object.values(SHIPPED))
    cpSync(join(repo, path), join(appDir, path), {
      recursive: true,
      filter: (source) => !source.endsWith('.map'),
    });
  // The OCR's English data is found by its path at run time, never imported: named here.
  const packages = copyProductionModules(repo, appDir, [...imported, '@tesseract.js-data/eng']);
  if (process.platform === 'win32') {
    // The service wrapper (install-windows.ts finds it in node-windows, as from a checkout).
    for (const file of ['package.json', 'bin/winsw/winsw.exe', 'bin/winsw/winsw.exe.config'])
      cpSync(
        join(repo, 'node_modules/node-windows', file),
        join(appDir, 'node_modules/node-windows', file),
      );
  }
  const builtWith: z.infer<typeof builtWithSchema> = {
    node: process.versions.node,
    modules: process.versions.modules,
    platform: process.platform,
    arch: process.arch,
  };
  const direct = new Map(packages.map((p) => [p.path, p.version]));
  writeFileSync(
    join(appDir, 'package.json'),
    `${JSON.stringify(
      {
        name: APP_FOLDER,
        version: pkg.version,
        description: 'Factory-Shop ERP head-office sync server',
        private: true,
        type: 'module',
        main: 'server.mjs',
        engines: {
          node: `${pkg.engines.node} <${Number(process.versions.node.split('.')[0]) + 1}`,
        },
        dependencies: Object.fromEntries(
          imported.map((name) => [name, direct.get(`node_modules/${name}`) ?? '*']),
        ),
        fseServerPackage: builtWith,
      },
      null,
      2,
    )}\n`,
  );
  const deb =
    (options.deb ?? process.platform === 'linux')
      ? buildDeb({
          appDir,
          version: pkg.version,
          maintainer: debMaintainer(join(repo, 'electron-builder.yml')),
          engines: pkg.engines.node,
          outDir: out,
          ...(options.compression && { compression: options.compression }),
        })
      : null;
  return { appDir, version: pkg.version, packages, deb };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const { values } = parseArgs({
      options: { out: { type: 'string' }, 'no-deb': { type: 'boolean', default: false } },
    });
    const started = Date.now();
    const built = await buildServerPackage({
      ...(values.out && { out: resolve(values.out) }),
      ...(values['no-deb'] && { deb: false }),
    });
    console.log(
      `Built the sync server ${built.version} in ${((Date.now() - started) / 1000).toFixed(1)} s: ${relative(process.cwd(), built.appDir)} (node server.mjs; ${built.packages.length} packages in node_modules)${built.deb ? `, ${relative(process.cwd(), built.deb)}` : ''}.`,
    );
  } catch (error) {
    console.error(
      `The server package was not built: ${error instanceof Error ? error.message : String(error)}`,
    );
    process.exit(1);
  }
}
