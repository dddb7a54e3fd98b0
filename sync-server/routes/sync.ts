// POST /sync/push and GET /sync/pull: an enrolled PC's events in, and what its branch may see out;
// GET /sync/wait: held open until there is something to pull (docs/decisions/0018).
import express from 'express';
import {
  MAX_BODY_BYTES,
  pullQuery,
  pushRequest,
  waitQuery,
  type WaitResponse,
} from '../../core/sync/protocol';
import { HttpError } from '../errors';
import { jsonBody } from '../http/body';
import { TokenBuckets, type BucketRule } from '../http/rate-limit';
import { pageJson, type SyncHub } from '../hub';
import type { LogNews } from '../news';
import type { HeadOfficeReplica } from '../replica';
import { deviceOf, parse, route } from './handle';

/**
 * Waits one device may begin: a PC pulls between two waits, so even a busy branch asks a few
 * times a second at most; more is a PC stuck in a loop, told to slow down.
 */
export const WAITS_PER_DEVICE: BucketRule = { burst: 20, refillMs: 200 };

export function syncRoutes(
  hub: Pick<SyncHub, 'authenticate' | 'push' | 'pull' | 'epoch'>,
  replica: Pick<HeadOfficeReplica, 'soon' | 'pushArrived'>,
  news: Pick<LogNews, 'wait'>,
): express.Router {
  const router = express.Router();
  const device = deviceOf(hub);
  const waits = new TokenBuckets(WAITS_PER_DEVICE);
  router.use('/sync/push', (_req, res, next) => {
    replica.pushArrived(res);
    next();
  });
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
  router.get(
    '/sync/wait',
    route(async (req, res): Promise<WaitResponse> => {
      const d = await device(req);
      const q = parse(waitQuery, req.query);
      const retryMs = waits.take(d.id);
      if (retryMs > 0) {
        const seconds = Math.max(1, Math.ceil(retryMs / 1000));
        res.setHeader('Retry-After', String(seconds));
        throw new HttpError(
          429,
          'RATE_LIMITED',
          `This PC asks for news too often. Wait ${seconds} s; it pulls as usual meanwhile.`,
        );
      }
      // A PC that knows another life of the log pulls at once: the pull takes it back.
      if (q.epoch !== undefined && q.epoch !== (await hub.epoch()).id)
        return { news: true, serverTime: Date.now() };
      const hungUp = new AbortController();
      res.once('close', () => hungUp.abort());
      const heard = await news.wait(d, q.after, q.seconds * 1000, hungUp.signal);
      return { news: heard, serverTime: Date.now() };
    }),
  );
  return router;
}
