// POST /setup: head office is set up once, here, which also registers it in the log.
import express from 'express';
import { MAX_BODY_BYTES } from '../../core/sync/protocol';
import { jsonBody } from '../http/body';
import type { HeadOfficeReplica } from '../replica';
import { route } from './handle';

export function setupRoutes(replica: Pick<HeadOfficeReplica, 'setup'>): express.Router {
  const router = express.Router();
  router.use('/setup', jsonBody(MAX_BODY_BYTES));
  router.post(
    '/setup',
    route(async (req) => {
      const { adminId } = await replica.setup(req.body);
      return { adminId };
    }),
  );
  return router;
}
