import { loadDevice, saveDevice, setMeta } from '../branches/device';
import type { Db } from '../db/open';
import { DomainError } from '../errors';
import type { EnrollTransport } from './transport';

/** An https transport also learns and pins the server's certificate before the code is sent. */
export interface PinningEnrollTransport extends EnrollTransport {
  pinServer?(expectedFingerprint?: string | null): Promise<string | null>;
}

/**
 * Joins this PC to head office with a one-time code. The device token is returned to the
 * caller, which keeps it in the OS's secure storage; the core keeps no secret. Over https the
 * server's certificate fingerprint is kept as `sync.pin` (trust on first use, or checked against
 * the one the admin read out) and returned for the screen to show.
 */
export async function enrollDevice(
  db: Db,
  transport: PinningEnrollTransport,
  input: {
    serverUrl: string;
    code: string;
    deviceName: string;
    appVersion?: string;
    expectedFingerprint?: string | null;
  },
): Promise<{
  token: string;
  deviceId: string;
  branchId: string;
  deviceNumber: number;
  fingerprint: string | null;
}> {
  if (loadDevice(db))
    throw new DomainError(
      'INVALID_STATE',
      'This PC is already set up. Enrolling it again would mix two branches; use a fresh install.',
    );
  const fingerprint = (await transport.pinServer?.(input.expectedFingerprint)) ?? null;
  const answer = await transport.enroll({
    code: input.code,
    deviceName: input.deviceName,
    appVersion: input.appVersion ?? 'unknown',
  });
  db.sqlite
    .transaction(() => {
      saveDevice(db, {
        id: answer.deviceId,
        branchId: answer.branchId,
        number: answer.deviceNumber,
      });
      setMeta(db, 'sync.server', input.serverUrl);
      if (fingerprint) setMeta(db, 'sync.pin', fingerprint);
    })
    .immediate();
  return {
    token: answer.token,
    deviceId: answer.deviceId,
    branchId: answer.branchId,
    deviceNumber: answer.deviceNumber,
    fingerprint,
  };
}
