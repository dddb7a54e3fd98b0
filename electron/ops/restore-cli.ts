// `npm run restore -- [--data <folder>] <backup file>`: puts a backup of this PC's database in
// its place, after backing up what is there. Close the app first (it refuses otherwise).
// Without a file, lists the backups.
import { existsSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { acceptBranchBackup } from '../../core/backup/accept';
import { listBackups } from '../../core/backup/names';
import { restoreDatabase } from '../../core/backup/restore';
import { fileLog } from '../../core/ops/log';
import { resolveDataDir } from '../data-dir';

export async function main(
  argv = process.argv.slice(2),
  env = process.env,
  out: (line: string) => void = (line) => console.log(line),
): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { data: { type: 'string' } },
    allowPositionals: true,
  });
  const dataDir = resolveDataDir(values.data, env);
  const backups = join(dataDir, 'backups');
  const file = positionals[0];
  if (!file) {
    const found = listBackups(backups);
    out(found.length ? `Backups in ${backups}:` : `There are no backups in ${backups}.`);
    for (const b of found)
      out(
        `  ${b.file}  ${new Date(b.takenAt).toLocaleString()}  ${(b.bytes / 1048576).toFixed(1)} MB`,
      );
    if (found.length) out('Restore one with: npm run restore -- <file>');
    return 0;
  }
  const path = existsSync(file) ? resolve(file) : join(backups, basename(file));
  // Logged where the app logs, so the admin finds command-line restores beside the others.
  const log = fileLog({ dir: join(dataDir, 'logs'), name: 'desktop' });
  try {
    const result = await restoreDatabase(join(dataDir, 'branch.sqlite'), path, {
      backupDir: backups,
      accept: acceptBranchBackup(),
    });
    log({
      level: 'warn',
      msg: 'database restored',
      from: path,
      safetyCopy: result.safetyCopy?.path ?? null,
      by: 'command line',
    });
    out(`Restored ${basename(path)}.`);
    if (result.safetyCopy) out(`What was there before is kept as ${result.safetyCopy.path}.`);
    return 0;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    log({ level: 'error', msg: 'restore refused', from: path, error: reason, by: 'command line' });
    out(`Nothing was restored: ${reason}`);
    return 1;
  } finally {
    log.file.close();
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url))
  process.exit(await main());
