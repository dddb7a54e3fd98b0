// POST /api/<name>: the contract (commands and queries) against head office's replica, as the
// admin console calls it. The replica's core checks sign-ins in the store every server process
// shares (../console-sessions.ts, set as the core's session store at start).
import express from 'express';
import { z } from 'zod';
import { answerCall, bearer } from '../../core/contract/http';
import { MAX_BODY_BYTES } from '../../core/sync/protocol';
import { HttpError } from '../errors';
import { jsonBody } from '../http/body';
import { clientKey } from '../http/rate-limit';
import { isCustomerCall, portalOverHttps } from '../portal/status';
import type { HeadOfficeReplica } from '../replica';
import { route } from './handle';

/**
 * The console's first run: setup.initialize here is head office's one setup (the same as POST
 * /setup: its branch, its admin and its place in the log, in one step), never a branch PC's.
 * The demo company is not loaded here: its passwords are public.
 */
const demoRefused =
  "Head office does not load the demo company: its passwords are public and branch PCs can reach this server. Create the head-office admin instead; to try the demo, choose 'Try the demo company' in the desktop app on a PC.";

const faultHere = (name: string) =>
  `Head office failed to do this (${name}) for a reason of its own; the server's log (logs/ in its data folder) says why. Try again; if it fails again, that log is what to send for help.`;

const customerSignIn = z.object({ role: z.literal('customer'), token: z.string() });

export function contractRoutes(
  replica: Pick<HeadOfficeReplica, 'core' | 'current' | 'settle' | 'setup'>,
  log: (entry: Record<string, unknown>) => void,
): express.Router {
  const router = express.Router();
  router.use('/api', jsonBody(MAX_BODY_BYTES));
  router.post(
    '/api/:name',
    route(async (req, res) => {
      const name = String(req.params['name']);
      if (name === 'setup.loadDemo') throw new HttpError(403, 'FORBIDDEN', demoRefused);
      if (name === 'setup.initialize') return { ok: true, result: await replica.setup(req.body) };
      await replica.current();
      const token = bearer(req.header('authorization'));
      // A portal that is on answers its customers over HTTPS only: portal.* calls, a customer's
      // session on any other call, and a customer's sign-in. One that is off says why below.
      // Staff over plain HTTP (--insecure-http) are not its concern.
      const insecure = portalOverHttps(req);
      const httpsOnly =
        insecure && name !== 'portal.status' && replica.core.services.portal?.status().on
          ? insecure
          : null;
      if (httpsOnly && (name.startsWith('portal.') || (await isCustomerCall(replica.core, token))))
        throw new HttpError(403, 'PORTAL_OFF', httpsOnly);
      // Wrong passwords count per person and address (core/auth/sessions.ts, decision 0038),
      // the address as the rate limits see it.
      const answer = await answerCall(
        (n, input, t, origin) => replica.core.callRaw(n, input, t, origin),
        name,
        req.body,
        token,
        (e) => log({ level: 'error', msg: 'operation failed', op: name, error: String(e) }),
        clientKey(req.ip ?? req.socket.remoteAddress),
      );
      // A sign-in is refused only once its password is right, and the session it made ends: a
      // wrong password is answered (and counted) as anyone's, so a refusal never tells which
      // usernames are customers'.
      if (httpsOnly && name === 'auth.login' && answer.body.ok) {
        const signedIn = customerSignIn.safeParse(answer.body.result);
        if (signedIn.success) {
          await replica.core.callRaw('auth.logout', {}, signedIn.data.token).catch(() => undefined);
          throw new HttpError(403, 'PORTAL_OFF', httpsOnly);
        }
      }
      if (answer.status === 200) await replica.settle();
      // The core's words for a fault ("tell your admin") reach the admin here: say where to look.
      const body =
        answer.body.ok || answer.body.error.code !== 'INTERNAL'
          ? answer.body
          : { ok: false, error: { code: 'INTERNAL', message: faultHere(name) } };
      res.status(answer.status).json(body);
    }),
  );
  return router;
}
