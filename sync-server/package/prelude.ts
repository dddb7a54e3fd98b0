// Runs first in each bundle of the server package, before any code that opens a database.
// Checks that this Node.js can load the package's native modules (built for one platform and one
// Node.js ABI), and tells core where the package keeps its migrations and fonts: core looks
// beside its own sources, which a bundle has not (the desktop's main process tells its core the
// same way, electron/main.ts).
import { serverApp, shippedPath } from '../resources';

const { builtWith } = serverApp();
if (builtWith) {
  const here = `${process.platform}-${process.arch}`;
  const built = `${builtWith.platform}-${builtWith.arch}`;
  if (here !== built || process.versions.modules !== builtWith.modules) {
    const major = (version: string) => version.split('.')[0];
    console.error(
      here !== built
        ? `This server package was built for ${built}; this machine is ${here}. Use the package built for ${here}.`
        : `This server package was built with Node.js ${builtWith.node}, and its native SQLite module loads only in Node.js ${major(builtWith.node)}; this is Node.js ${process.versions.node}. Install Node.js ${major(builtWith.node)} for the whole system, or build the package with this Node.js (npm run build:server).`,
    );
    process.exit(1);
  }
  process.env['FSE_MIGRATIONS_DIR'] ??= shippedPath('migrations');
  process.env['FSE_FONTS_DIR'] ??= shippedPath('fonts');
}
