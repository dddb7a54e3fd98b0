// The server package's folder: the bundles at its top, beside the repository's paths of what the
// server reads from disk (../resources.ts), and node_modules with its production packages only.
import { SHIPPED } from '../resources';

/** Each bundle (`<name>.mjs`) and the source it starts from. */
export const BUNDLES = {
  server: 'sync-server/main.ts',
  restore: 'sync-server/backup/restore-cli.ts',
  install: 'sync-server/service/install.ts',
} as const;

/** Everything at the top of the package's folder. */
export const PACKAGE_ENTRIES = [
  'package.json',
  ...Object.keys(BUNDLES).map((name) => `${name}.mjs`),
  ...new Set(Object.values(SHIPPED).map((path) => path.split('/')[0] ?? path)),
  'node_modules',
];
