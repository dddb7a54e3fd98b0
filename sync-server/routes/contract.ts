// POST /api/<name>: the contract (commands and queries) against head office's replica, as the
// admin console calls it. The replica's core checks sign-ins in the store every server process
// shares (../console-sessions.ts, set as the core's session store at start).
import express from 'express';
import { answerCall, bearer } from '../../core/contract/http';
import { MAX_BODY_BYTES } from '../../core/sync/protocol';
import { HttpError } from '../errors';
import { jsonBody } from '../http/body';
import type { HeadOfficeReplica } from '../replica';
import { route } from './handle';

/**
 * Head office is set up through POST /setup, which also registers it in the log. Through /api
 * these would set up its replica alone, with an admin whoever came first chose (for the demo,
 * one whose password is public).
 */
const SET_UP_THROUGH_SETUP: ReadonlySet<string> = new Set(['setup.initialize', 'setup.loadDemo']);

export function contractRoutes(
  replica: Pick<HeadOfficeReplica, 'core' | 'current' | 'settle'>,
  log: (entry: Record<string, unknown>) => void,
): express.Router {
  const router = express.Router();
  router.use('/api', jsonBody(MAX_BODY_BYTES));
  router.post(
    '/api/:name',
    route(async (req, res) => {
      const name = String(req.params['name']);
      if (SET_UP_THROUGH_SETUP.has(name))
        throw new HttpError(
          403,
          'FORBIDDEN',
          `${name} sets up a branch PC. Head office is set up once, through POST /setup.`,
        );
      await replica.current();
      const token = bearer(req.header('authorization'));
      const answer = await answerCall(
        (n, input, t) => replica.core.callRaw(n, input, t),
        name,
        req.body,
        token,
        (e) => log({ level: 'error', msg: 'operation failed', op: name, error: String(e) }),
      );
      if (answer.status === 200) await replica.settle();
      res.status(answer.status).json(answer.body);
    }),
  );
  return router;
}
