// `npm run build:electron`: bundles the main process, the preload and the core's utility process
// into dist/electron. Runtime packages stay outside the bundle (electron-builder ships them in
// node_modules): native better-sqlite3 must, and pdfkit reads its data files from its own folder.
// The public keys updates must be signed with (build/update-keys.json) go beside main.js, so they
// ship inside app.asar, where the asar integrity fuse covers them.
import { build, type BuildOptions } from 'esbuild';
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { updateKeysSchema } from '../core/ops/update-signature';
import { PAGE_READER_BUNDLE, PAGE_READER_SOURCE } from '../core/sync/page-reader';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function runtimePackages(): string[] {
  const pkg: unknown = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const deps =
    typeof pkg === 'object' && pkg !== null && 'dependencies' in pkg ? pkg.dependencies : {};
  return Object.keys(typeof deps === 'object' && deps !== null ? deps : {});
}

export async function buildElectron(outdir = join(root, 'dist/electron')): Promise<string[]> {
  rmSync(outdir, { recursive: true, force: true });
  const common: BuildOptions = {
    bundle: true,
    platform: 'node',
    sourcemap: true,
    logLevel: 'warning',
    external: ['electron', ...runtimePackages()],
    absWorkingDir: root,
    outdir,
  };
  // Main, the utility process and its worker are ES modules (package.json "type": "module";
  // Electron ≥ 28).
  await build({
    ...common,
    entryPoints: {
      main: 'electron/main.ts',
      'core-process': 'electron/core-process.ts',
      // The worker thread that reads a long catch-up's pages ahead, where the core looks for it.
      [PAGE_READER_BUNDLE.replace(/\.js$/, '')]: PAGE_READER_SOURCE,
    },
    format: 'esm',
    target: 'node20',
  });
  // A sandboxed preload runs as a classic script (CommonJS-style, no ES modules) with a small
  // `require` that knows electron: one self-contained function, no module.exports needed.
  await build({
    ...common,
    entryPoints: { preload: 'electron/preload.ts' },
    format: 'iife',
    target: 'chrome120',
  });
  // Checked here: a broken keys file would make every installed app refuse every update.
  const keys = updateKeysSchema.parse(
    JSON.parse(readFileSync(join(root, 'build/update-keys.json'), 'utf8')),
  );
  writeFileSync(join(outdir, 'update-keys.json'), `${JSON.stringify(keys, null, 2)}\n`);
  return ['main.js', 'preload.js', 'core-process.js', PAGE_READER_BUNDLE, 'update-keys.json'].map(
    (f) => join(outdir, f),
  );
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const built = await buildElectron();
  for (const file of built)
    console.log(`built ${relative(root, file)} (${(statSync(file).size / 1024).toFixed(1)} kB)`);
}
