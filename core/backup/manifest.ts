// Every backup is written with a manifest beside it, `<backup file>.manifest.json`: its size and
// sha256, the app version and applied migrations it was taken with, when, and which PC or server
// took it. A restore refuses a file that does not match its manifest, so a backup cut short (even
// by less than a page, which passes integrity_check) or with a changed byte in row data is never
// put back as good.
//
// A sidecar rather than a record inside the backup: the checksum then covers every byte of the
// backup file (a manifest written into a SQLite file would change the bytes it describes), and a
// pg_dump is covered the same way. The price is that the two files travel together: a backup
// copied without its manifest is treated like one made before manifests existed.
//
// Order on disk: the copy is complete and flushed under a `.partial` name; the manifest is written
// (through a `.partial` of its own, flushed, renamed); only then does the copy get its final name.
// So a file with a backup's name has its manifest, and a crash leaves only leftovers the next run
// removes (a `.partial`, or a manifest whose backup never got its name).
import { existsSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { z } from 'zod';
import { DomainError } from '../errors';
import { fsyncPath, sha256File } from './files';

export const MANIFEST_SUFFIX = '.manifest.json';
export const manifestPath = (backupFile: string) => `${backupFile}${MANIFEST_SUFFIX}`;

export const manifestSchema = z.object({
  manifest: z.literal(1),
  /** The backup's file name; a manifest describes that file only. */
  file: z.string().min(1),
  label: z.string().min(1),
  format: z.enum(['sqlite', 'pg_dump']),
  bytes: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** When the backup began and when its copy was complete (ms since the epoch, UTC). */
  takenAt: z.number().int(),
  finishedAt: z.number().int(),
  appVersion: z.string(),
  /** The schema: migrations the database had applied, oldest first. Head office's store creates its tables on open and records none. */
  migrations: z.array(z.string()),
  madeBy: z.object({
    kind: z.enum(['pc', 'server']),
    /** The PC's (or head office's replica's) device id; null before the PC is set up. */
    deviceId: z.string().nullable(),
    branchId: z.string().nullable(),
    host: z.string(),
  }),
});
export type BackupManifest = z.infer<typeof manifestSchema>;

/** What the host knows about itself for the manifest (the backup itself tells the rest). */
export interface BackupOrigin {
  appVersion?: string;
  kind?: 'pc' | 'server';
  deviceId?: string | null;
  branchId?: string | null;
}

export type ManifestFields = Pick<BackupManifest, 'label' | 'format' | 'takenAt' | 'migrations'> & {
  origin?: BackupOrigin;
  /** From the database itself, when it says (a branch database knows its device). */
  device?: { id: string; branchId: string } | null;
};

/**
 * Writes the manifest of `copy` (complete and flushed) under the backup's final name `file`,
 * flushed and renamed into place. The caller renames `copy` to `file` afterwards.
 */
export async function writeManifest(
  copy: string,
  file: string,
  fields: ManifestFields,
  now: () => number,
): Promise<BackupManifest> {
  const { origin = {}, device = null, ...rest } = fields;
  const manifest: BackupManifest = {
    manifest: 1,
    file,
    ...rest,
    bytes: statSync(copy).size,
    sha256: await sha256File(copy),
    finishedAt: now(),
    appVersion: origin.appVersion ?? 'unknown',
    madeBy: {
      kind: origin.kind ?? 'pc',
      deviceId: origin.deviceId ?? device?.id ?? null,
      branchId: origin.branchId ?? device?.branchId ?? null,
      host: hostname(),
    },
  };
  const target = manifestPath(join(dirname(copy), file));
  const partial = join(dirname(copy), `.${file}${MANIFEST_SUFFIX}.partial`);
  try {
    writeFileSync(partial, `${JSON.stringify(manifest, null, 2)}\n`);
    fsyncPath(partial);
    renameSync(partial, target);
  } finally {
    rmSync(partial, { force: true });
  }
  return manifest;
}

export type ManifestRead =
  | { kind: 'ok'; manifest: BackupManifest }
  | { kind: 'missing' }
  | { kind: 'unreadable'; reason: string };

export function readManifest(backupFile: string): ManifestRead {
  const path = manifestPath(backupFile);
  if (!existsSync(path)) return { kind: 'missing' };
  try {
    const parsed = manifestSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
    return parsed.success
      ? { kind: 'ok', manifest: parsed.data }
      : { kind: 'unreadable', reason: parsed.error.issues[0]?.message ?? 'not a manifest' };
  } catch (error) {
    return { kind: 'unreadable', reason: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * `complete`: a manifest that names this file and its size. `no-manifest`: none (made before
 * backups carried one, or copied without it). `damaged`: the manifest is unreadable or disagrees.
 * Cheap enough for every listing; the checksum itself is checked when a backup is restored.
 */
export type BackupStatus = 'complete' | 'no-manifest' | 'damaged';

export function backupStatus(backupFile: string, bytes: number): BackupStatus {
  const read = readManifest(backupFile);
  if (read.kind === 'missing') return 'no-manifest';
  if (read.kind === 'unreadable') return 'damaged';
  return read.manifest.file === basename(backupFile) && read.manifest.bytes === bytes
    ? 'complete'
    : 'damaged';
}

export interface VerifyOptions {
  /** The person confirmed restoring a backup that has no manifest. */
  withoutManifest?: boolean;
}

export interface Verified {
  manifest: BackupManifest | null;
  sha256: string;
}

const damaged = (reason: string, why: string) =>
  new DomainError(
    'FILE_REJECTED',
    `This backup is damaged (${why}). Choose an older backup. Nothing was changed.`,
    { reason },
  );

/**
 * Checks a backup against its manifest: size, then sha256. Throws, saying what to do, when they
 * differ or there is no manifest (unless the person confirmed that). Returns the sha256 read, so
 * a copy of the file can be checked against the same bytes.
 */
export async function verifyBackupFile(
  backupFile: string,
  options: VerifyOptions = {},
): Promise<Verified> {
  const name = basename(backupFile);
  if (!existsSync(backupFile))
    throw new DomainError('NOT_FOUND', `There is no backup file ${backupFile}.`);
  const read = readManifest(backupFile);
  if (read.kind === 'unreadable')
    throw damaged(
      'manifest',
      `its manifest ${name}${MANIFEST_SUFFIX} cannot be read: ${read.reason}`,
    );
  if (read.kind === 'missing') {
    if (!options.withoutManifest)
      throw new DomainError(
        'FILE_REJECTED',
        `${name} has no manifest (${name}${MANIFEST_SUFFIX}), so nothing proves it is whole: it ` +
          'was made before backups carried one, or its manifest was not copied with it. Choose a ' +
          'backup that has one, or confirm that you mean to restore this one without it (it is ' +
          'then checked for integrity first). Nothing was changed.',
        { reason: 'no-manifest' },
      );
    return { manifest: null, sha256: await sha256File(backupFile) };
  }
  const { manifest } = read;
  if (manifest.file !== name)
    throw new DomainError(
      'FILE_REJECTED',
      `The manifest beside ${name} describes ${manifest.file}: give the backup its own name back, ` +
        'or choose another backup. Nothing was changed.',
      { reason: 'other-file' },
    );
  const bytes = statSync(backupFile).size;
  if (bytes !== manifest.bytes)
    throw damaged(
      'size',
      `${name} is ${bytes} bytes, but ${manifest.bytes} were written: it was cut short or changed`,
    );
  const sha256 = await sha256File(backupFile);
  if (sha256 !== manifest.sha256)
    throw damaged('checksum', `its checksum does not match what was written`);
  return { manifest, sha256 };
}

/** After copying a verified backup: the copy must hold the same bytes (a failing disk, say). */
export async function checkCopy(copy: string, sha256: string): Promise<void> {
  if ((await sha256File(copy)) !== sha256)
    throw new DomainError(
      'FILE_REJECTED',
      `The copy of the backup at ${copy} differs from the backup itself: check the disk (it may be full or failing) and try again. Nothing was changed.`,
      { reason: 'copy' },
    );
}
