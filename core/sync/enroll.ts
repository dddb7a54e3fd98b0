import { loadDevice, saveDevice, setMeta } from '../branches/device';
import type { Db } from '../db/open';
import { DomainError } from '../errors';
import type { EnrollTransport } from './transport';

/**
 * Joins this PC to head office with a one-time code. The device token is returned to the
 * caller, which keeps it in the OS's secure storage; the core keeps no secret.
 */
export async function enrollDevice(
  db: Db,
  transport: EnrollTransport,
  input: { serverUrl: string; code: string; deviceName: string; appVersion?: string },
): Promise<{ token: string; deviceId: string; branchId: string; deviceNumber: number }> {
  if (loadDevice(db))
    throw new DomainError(
      'INVALID_STATE',
      'This PC is already set up. Enrolling it again would mix two branches; use a fresh install.',
    );
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
    })
    .immediate();
  return {
    token: answer.token,
    deviceId: answer.deviceId,
    branchId: answer.branchId,
    deviceNumber: answer.deviceNumber,
  };
}
