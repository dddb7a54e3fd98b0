// `npm run server:restore -- [--data ./server-data] [--database postgres://…]
//   [--without-manifest] <backup file>`
// Run with every server process stopped. See ./restore.ts. --without-manifest: the admin confirms
// restoring a backup made before backups carried a manifest (it is still checked first).
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DomainError } from '../../core/errors';
import { fileLog, formatLine } from '../../core/ops/log';
import { restoreServer } from './restore';

export async function main(argv = process.argv.slice(2), env = process.env): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      data: { type: 'string' },
      database: { type: 'string' },
      'without-manifest': { type: 'boolean' },
    },
    allowPositionals: true,
  });
  const file = positionals[0];
  if (!file || positionals.length > 1) {
    console.error(
      'usage: npm run server:restore -- [--data <folder>] [--database postgres://…] [--without-manifest] <backup file>',
    );
    return 2;
  }
  const dataDir = resolve(values.data ?? env['FSE_DATA'] ?? './server-data');
  // Logged where the server logs, so a restore shows beside the backups.
  const log = fileLog({ dir: join(dataDir, 'logs'), name: 'server' }, (e) =>
    process.stdout.write(formatLine(e, Date.now())),
  );
  try {
    await restoreServer({
      dataDir,
      file,
      databaseUrl: values.database ?? env['DATABASE_URL'] ?? null,
      withoutManifest: values['without-manifest'] === true,
      log,
    });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    log({ level: 'error', msg: 'restore refused', file, error: reason });
    console.error(`Nothing was restored: ${reason}`);
    if (error instanceof DomainError && error.details['reason'] === 'no-manifest')
      console.error(
        'To restore it anyway, run the same command with --without-manifest (it is checked for integrity first).',
      );
    return 1;
  } finally {
    log.file.close();
  }
  console.log(
    'Restored. Start the server again: each branch PC, at its next sync, sends again what it ' +
      'made after this backup and pulls again what came after it. A PC that never syncs again ' +
      '(lost or broken) cannot send its part back.',
  );
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url))
  process.exit(await main());
