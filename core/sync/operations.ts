// Sync and device management as operations of the one contract. The host supplies the services;
// where a host has none (a PC with no server; a branch PC for head-office operations) the
// operation says so plainly.
import { z } from 'zod';
import type { Context } from '../contract/context';
import { action, query } from '../contract/define';
import { id, text } from '../contract/fields';
import { requireActor } from '../contract/scope';
import { certificateCodes, DomainError, protocolCodes, type ErrorCode } from '../errors';
import type { HeadOfficeService, SyncService } from './services';
import { SyncUnavailable } from './transport';

const syncService = (ctx: Context): SyncService => {
  if (!ctx.services?.sync)
    throw new DomainError(
      'INVALID_STATE',
      'This PC works on its own and does not sync with a head office.',
    );
  return ctx.services.sync;
};
const headOffice = (ctx: Context): HeadOfficeService => {
  if (!ctx.services?.headOffice)
    throw new DomainError(
      'INVALID_STATE',
      'Devices are managed at head office: open the head-office console.',
    );
  return ctx.services.headOffice;
};

/**
 * Codes that reach the person as they are: this PC's verdict on head office's certificate, and
 * head office's own protocol answers (a revoked device, a refused enrollment code). Anything else
 * (head office unreachable, or an answer about a sign-in there, not here) is UNAVAILABLE: passed
 * on, an UNAUTHENTICATED from head office would sign the person out of this PC.
 */
const passedOn: readonly ErrorCode[] = [...certificateCodes, ...protocolCodes];

/** Where the enrollment form shows a refusal: beside the input it is about. */
const enrollField: Partial<Record<ErrorCode, string>> = {
  CERTIFICATE_MISMATCH: 'serverUrl',
  ENROLLMENT_REFUSED: 'code',
};

/** A server that cannot be reached is something a clerk can act on: say so in their words. */
async function reachingHeadOffice<T>(
  work: () => Promise<T>,
  fields: Partial<Record<ErrorCode, string>> = {},
): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof SyncUnavailable)) throw error;
    const code = passedOn.find((c) => c === error.code) ?? 'UNAVAILABLE';
    const field = fields[code];
    throw new DomainError(code, error.message, field !== undefined ? { field } : {});
  }
}

export const syncStatus = query({
  // Public at a PC, whose own app asks before anyone signs in (the update feed's address, the
  // first catch-up's progress). Head office's contract is open to the network: its conflicts,
  // refusals and last error are for people signed in there.
  access: 'public',
  input: z.object({}),
  handler: (ctx) => {
    const status = ctx.services?.sync?.status() ?? null;
    if (status?.headOffice && !ctx.actor)
      throw new DomainError(
        'UNAUTHENTICATED',
        "Sign in first: head office's sync state is shown to people signed in there.",
      );
    return status;
  },
});

export const syncNow = action({
  access: 'signed-in',
  input: z.object({}),
  handler: (ctx) => reachingHeadOffice(() => syncService(ctx).syncNow()),
});

export const syncEnroll = action({
  access: 'public',
  input: z.object({
    serverUrl: z.url({
      protocol: /^https?$/,
      error: 'must be the head-office address, like https://erp.example.com:8443',
    }),
    code: z.string().trim().min(6, 'is the code the admin gave you, like ABCD-EFGH-JKLM').max(64),
    deviceName: text(120),
    expectedFingerprint: z
      .string()
      .trim()
      .refine(
        (v) => /^[0-9A-F]{64}$/.test(v.replace(/[\s:-]/g, '').toUpperCase()),
        'must be the SHA-256 fingerprint the admin read out (64 hex digits)',
      )
      .optional(),
  }),
  handler: (ctx, input) => {
    if (ctx.device) throw new DomainError('INVALID_STATE', 'This PC is already set up.');
    const service = syncService(ctx);
    return reachingHeadOffice(() => service.enroll(input), enrollField);
  },
});

export const createEnrollmentCode = action({
  access: 'branches.manage',
  input: z.object({ branchId: id }),
  handler: (ctx, input) =>
    headOffice(ctx).createEnrollment(input.branchId, requireActor(ctx).userId),
});

export const listDevices = query({
  access: 'branches.manage',
  input: z.object({}),
  handler: (ctx) => headOffice(ctx).devices(),
});

export const revokeDevice = action({
  access: 'branches.manage',
  input: z.object({ deviceId: id }),
  handler: async (ctx, input) => {
    await headOffice(ctx).revoke(input.deviceId);
    return { ok: true as const };
  },
});

export const branchSyncState = query({
  access: 'branches.manage',
  input: z.object({}),
  handler: (ctx) => headOffice(ctx).syncState(),
});

export const syncRepin = action({
  access: 'signed-in',
  input: z.object({
    code: z.string().trim().min(4, 'is the re-pin code the admin read out').max(64),
  }),
  handler: (ctx, input) => {
    const service = syncService(ctx);
    if (!service.repin)
      throw new DomainError('INVALID_STATE', 'Head office is not re-pinned: it is the server.');
    const repin = service.repin.bind(service);
    return reachingHeadOffice(() => repin(input.code));
  },
});

export const createRepinCode = action({
  access: 'branches.manage',
  input: z.object({ deviceId: id }),
  handler: (ctx, input) => {
    const service = headOffice(ctx);
    if (!service.repinCode)
      throw new DomainError('INVALID_STATE', 'Re-pin codes are made at head office.');
    return service.repinCode(input.deviceId);
  },
});
