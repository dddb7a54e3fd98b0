// What the server reads from disk besides its code: its version, the console, the update keys,
// core's migrations and fonts, the systemd unit template. Each lives at the same path under the
// app's folder whether the server runs from the repository's sources (tsx) or from the built
// package (sync-server/package), which keeps the repository's layout for what it ships. The
// app's folder is the nearest one above this module holding a package.json: the repository's
// root, or the package's folder, where this module is bundled into server.mjs.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/** Paths under the app's folder; the package builder copies exactly these. */
export const SHIPPED = {
  console: 'dist/renderer',
  migrations: 'resources/migrations',
  fonts: 'resources/fonts',
  updateKeys: 'build/update-keys.json',
  unitTemplate: 'build/service/factory-shop-sync.service',
} as const;

export type Shipped = keyof typeof SHIPPED;

/** Written into the package's package.json by the builder; absent in the repository. */
export const builtWithSchema = z.object({
  /** process.versions.node and .modules of the Node.js that built it: its native modules need the same ABI. */
  node: z.string(),
  modules: z.string(),
  platform: z.string(),
  arch: z.string(),
});

const manifestSchema = z.object({
  version: z.string(),
  fseServerPackage: builtWithSchema.optional(),
});

export interface ServerApp {
  /** The repository's root, or the package's folder. */
  root: string;
  version: string;
  /** Only when running from the built package. */
  builtWith: z.infer<typeof builtWithSchema> | null;
}

let found: ServerApp | undefined;

export function serverApp(): ServerApp {
  if (found) return found;
  const start = dirname(fileURLToPath(import.meta.url));
  let root = start;
  while (!existsSync(join(root, 'package.json'))) {
    const up = dirname(root);
    if (up === root)
      throw new Error(
        `No package.json in ${start} or any folder above it: the server's files are incomplete. Reinstall the server package.`,
      );
    root = up;
  }
  const file = join(root, 'package.json');
  const manifest = manifestSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!manifest.success)
    throw new Error(
      `${file} has no version or a broken fseServerPackage entry (${manifest.error.issues[0]?.message}). Reinstall the server package.`,
    );
  found = {
    root,
    version: manifest.data.version,
    builtWith: manifest.data.fseServerPackage ?? null,
  };
  return found;
}

export const appVersion = (): string => serverApp().version;

export const shippedPath = (what: Shipped): string => join(serverApp().root, SHIPPED[what]);
