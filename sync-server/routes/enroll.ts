// POST /sync/enroll: a new PC trades a one-time code for its device token.
import express from 'express';
import { enrollRequest, MAX_BODY_BYTES } from '../../core/sync/protocol';
import { jsonBody } from '../http/body';
import type { SyncHub } from '../hub';
import { recordEnrolledDevice, type HeadOfficeReplica } from '../replica';
import { parse, route } from './handle';

export function enrollRoutes(
  hub: Pick<SyncHub, 'enroll'>,
  replica: HeadOfficeReplica,
): express.Router {
  const router = express.Router();
  router.use('/sync/enroll', jsonBody(MAX_BODY_BYTES));
  router.post(
    '/sync/enroll',
    route(async (req) => {
      const body = parse(enrollRequest, req.body);
      const enrolled = await hub.enroll(body.code, body.deviceName, body.appVersion);
      recordEnrolledDevice(
        replica,
        {
          id: enrolled.deviceId,
          branchId: enrolled.branchId,
          number: enrolled.deviceNumber,
          name: body.deviceName,
        },
        enrolled.issuedBy,
      );
      // The new PC's first pull then already holds its own registration.
      await replica.catchUp();
      const { issuedBy: _issuedBy, ...answer } = enrolled;
      return answer;
    }),
  );
  return router;
}
