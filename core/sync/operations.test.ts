// What reaches the person when head office cannot be reached, or is not the server this PC
// trusts: the code says which (the screens act on it), the message says what to do.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SerializedCode } from '../errors';
import { BranchCore } from '../runtime';
import { failure, openDemo } from '../testing/demo';
import type { SyncService } from './services';
import { SyncUnavailable } from './transport';

/** A sync connection whose every reach to head office fails as `refusal` says. */
function failingSync(refusal: SyncUnavailable): SyncService {
  return {
    status: () => {
      throw new Error('not asked here');
    },
    syncNow: () => Promise.reject(refusal),
    enroll: () => Promise.reject(refusal),
    repin: () => Promise.reject(refusal),
  };
}

const refusal = (code?: SerializedCode) =>
  new SyncUnavailable(`head office said no (${code ?? 'no code'})`, 502, code);

describe('reaching head office', () => {
  it('passes on the certificate codes, so the screen can ask for a re-pin code', async () => {
    const w = await openDemo();
    for (const code of ['CERTIFICATE_CHANGED', 'CERTIFICATE_MISMATCH'] as const) {
      w.core.services = { sync: failingSync(refusal(code)) };
      expect(await failure(w.as('shop1')('sync.now', {}))).toMatchObject({
        code,
        message: `head office said no (${code})`,
      });
      expect(await failure(w.as('shop1')('sync.repin', { code: 'AB12-CDEF' }))).toMatchObject({
        code,
      });
    }
  });

  it("passes on head office's protocol answers, such as a revoked device", async () => {
    const w = await openDemo();
    w.core.services = { sync: failingSync(refusal('DEVICE_REVOKED')) };
    expect(await failure(w.as('shop1')('sync.now', {}))).toMatchObject({
      code: 'DEVICE_REVOKED',
    });
  });

  it('says UNAVAILABLE for an unreachable server, and for a refused sign-in at head office', async () => {
    const w = await openDemo();
    // Passed on, head office's UNAUTHENTICATED would sign the person out of this PC.
    for (const code of [undefined, 'UNAUTHENTICATED', 'INTERNAL'] as const) {
      w.core.services = { sync: failingSync(refusal(code)) };
      const error = await failure(w.as('shop1')('sync.now', {}));
      expect(error).toMatchObject({ code: 'UNAVAILABLE' });
      expect(error.message).toContain('head office said no');
    }
  });

  it("marks the enrollment form's input a refusal is about", async () => {
    const core = new BranchCore(mkdtempSync(join(tmpdir(), 'fse-enroll-')));
    const enroll = () =>
      core.call('sync.enroll', {
        serverUrl: 'https://head-office.test',
        code: 'ABCD-EFGH-JKLM',
        deviceName: 'Counter',
      });
    core.services = { sync: failingSync(refusal('CERTIFICATE_MISMATCH')) };
    expect(await failure(enroll())).toMatchObject({
      code: 'CERTIFICATE_MISMATCH',
      field: 'serverUrl',
    });
    core.services = { sync: failingSync(refusal('ENROLLMENT_REFUSED')) };
    expect(await failure(enroll())).toMatchObject({ code: 'ENROLLMENT_REFUSED', field: 'code' });
    core.services = { sync: failingSync(refusal()) };
    const unreachable = await failure(enroll());
    expect(unreachable).toMatchObject({ code: 'UNAVAILABLE' });
    expect(unreachable.field).toBeUndefined();
    core.close();
  });
});
