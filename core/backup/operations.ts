// Backups as operations of the one contract: list them, take one now, restore one. Admin only:
// a restore puts the whole PC's data back to an earlier day.
import { z } from 'zod';
import type { Context } from '../contract/context';
import { action, query } from '../contract/define';
import { DomainError } from '../errors';
import type { BackupService } from './service';

const backups = (ctx: Context): BackupService => {
  if (!ctx.services?.backup)
    throw new DomainError('INVALID_STATE', 'This app does not manage backups here.');
  return ctx.services.backup;
};

export const backupFile = z
  .string()
  .trim()
  .regex(
    /^[a-z][a-z0-9-]*[a-z0-9]-\d{8}T\d{9}Z\.sqlite$/,
    'must be the name of a backup in the list, like branch-20261124T020000000Z.sqlite',
  );

export const listBackups = query({
  access: 'branches.manage',
  input: z.object({}),
  handler: (ctx) => backups(ctx).overview(),
});

export const createBackup = action({
  access: 'branches.manage',
  input: z.object({}),
  handler: (ctx) => backups(ctx).backupNow(),
});

export const restoreBackup = action({
  access: 'branches.manage',
  input: z.object({
    file: backupFile,
    /** The admin confirmed restoring a backup made before backups carried a manifest. */
    withoutManifest: z.boolean().default(false),
  }),
  handler: (ctx, input) =>
    backups(ctx).restore(input.file, { withoutManifest: input.withoutManifest }),
});
