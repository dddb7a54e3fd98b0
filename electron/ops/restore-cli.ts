// `npm run restore -- [--data <folder>] [--without-manifest] <backup file>`: puts a backup of
// this PC's database in its place, after checking it against its manifest and backing up what is
// there. Close the app first (it refuses otherwise). Without a file, lists the backups.
// A backup made before backups carried a manifest is restored only with --without-manifest, and
// only if it passes the integrity check. One from an older app is migrated when the app opens it.
import { existsSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { acceptBranchBackup } from '../../core/backup/accept';
import { listBackups, type BackupEntry } from '../../core/backup/names';
import { restoreDatabase } from '../../core/backup/restore';
import { DomainError } from '../../core/errors';
import { fileLog } from '../../core/ops/log';
import { resolveDataDir } from '../data-dir';

const statusText: Record<BackupEntry['status'], string> = {
  complete: '',
  'no-manifest': '  (no manifest: --without-manifest to restore)',
  damaged: '  (DAMAGED: cannot be restored)',
};

export async function main(
  argv = process.argv.slice(2),
  env = process.env,
  out: (line: string) => void = (line) => console.log(line),
): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { data: { type: 'string' }, 'without-manifest': { type: 'boolean' } },
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
        `  ${b.file}  ${new Date(b.takenAt).toLocaleString()}  ${(b.bytes / 1048576).toFixed(1)} MB${statusText[b.status]}`,
      );
    if (found.length) out('Restore one with: npm run restore -- <file>');
    return 0;
  }
  const path = existsSync(file) ? resolve(file) : join(backups, basename(file));
  const withoutManifest = values['without-manifest'] === true;
  // Logged where the app logs, so the admin finds command-line restores beside the others.
  const log = fileLog({ dir: join(dataDir, 'logs'), name: 'desktop' });
  try {
    const result = await restoreDatabase(join(dataDir, 'branch.sqlite'), path, {
      backupDir: backups,
      accept: acceptBranchBackup(),
      withoutManifest,
      origin: { appVersion: env['npm_package_version'] ?? 'unknown', kind: 'pc' },
    });
    log({
      level: 'warn',
      msg: 'database restored',
      from: path,
      safetyCopy: result.safetyCopy?.path ?? null,
      withoutManifest,
      by: 'command line',
    });
    out(`Restored ${basename(path)}.`);
    if (result.safetyCopy) out(`What was there before is kept as ${result.safetyCopy.path}.`);
    return 0;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    log({ level: 'error', msg: 'restore refused', from: path, error: reason, by: 'command line' });
    out(`Nothing was restored: ${reason}`);
    if (error instanceof DomainError && error.details['reason'] === 'no-manifest')
      out(
        `To restore it anyway: npm run restore -- --without-manifest ${basename(path)} (it is checked for integrity first).`,
      );
    return 1;
  } finally {
    log.file.close();
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url))
  process.exit(await main());
