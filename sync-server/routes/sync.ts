// POST /sync/push and GET /sync/pull: an enrolled PC's events in, and what its branch may see out.
import express from 'express';
import { MAX_BODY_BYTES, pullQuery, pushRequest } from '../../core/sync/protocol';
import { jsonBody } from '../http/body';
import { pageJson, type SyncHub } from '../hub';
import type { HeadOfficeReplica } from '../replica';
import { deviceOf, parse, route } from './handle';

export function syncRoutes(
  hub: Pick<SyncHub, 'authenticate' | 'push' | 'pull'>,
  replica: Pick<HeadOfficeReplica, 'soon'>,
): express.Router {
  const router = express.Router();
  const device = deviceOf(hub);
  router.use('/sync/push', jsonBody(MAX_BODY_BYTES));
  router.post(
    '/sync/push',
    route(async (req) => {
      const d = await device(req);
      const body = parse(pushRequest, req.body);
      const answer = await hub.push(d, body.events, {
        pending: body.pending,
        appVersion: body.appVersion,
        health: body.health,
      });
      replica.soon();
      return answer;
    }),
  );
  router.get(
    '/sync/pull',
    route(async (req, res) => {
      const d = await device(req);
      const q = parse(pullQuery, req.query);
      res.type('application/json').send(pageJson(await hub.pull(d, q.after, q.limit)));
    }),
  );
  return router;
}
