// POST /setup: head office is set up once, here, which also registers it in the log.
import express from 'express';
import { MAX_BODY_BYTES } from '../../core/sync/protocol';
import { jsonBody } from '../http/body';
import { headOfficeSetup, type HeadOfficeReplica } from '../replica';
import { parse, route } from './handle';

export function setupRoutes(replica: Pick<HeadOfficeReplica, 'setup'>): express.Router {
  const router = express.Router();
  router.use('/setup', jsonBody(MAX_BODY_BYTES));
  router.post(
    '/setup',
    route(async (req) => replica.setup(parse(headOfficeSetup, req.body))),
  );
  return router;
}
