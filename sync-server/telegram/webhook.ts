// POST /telegram/webhook. The secret header is checked (in constant time) before the body is
// even read; each update id is handled once, however often Telegram delivers it.
import { createHash, timingSafeEqual } from 'node:crypto';
import express, { type NextFunction, type Request, type Response } from 'express';
import { updateSchema, type UpdateDeps } from './update-schema';
import { handleUpdate } from './updates';
import { WEBHOOK_PATH } from './service';

/** Updates are small; Telegram's own limit on a message is far below this. */
const MAX_UPDATE_BYTES = 1024 * 1024;

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Equal strings, compared without leaking where they differ (both hashed to one length). */
export const sameSecret = (given: string, expected: string) =>
  timingSafeEqual(digest(given), digest(expected)) && given.length === expected.length;

export function telegramRouter(secret: string, deps: UpdateDeps): express.Router {
  const router = express.Router();
  const checkSecret = (req: Request, res: Response, next: NextFunction) => {
    const given = req.header('x-telegram-bot-api-secret-token');
    if (given === undefined || !sameSecret(given, secret)) {
      deps.log({ level: 'warn', msg: 'telegram: webhook call with a wrong secret', ip: req.ip });
      res.status(401).json({ code: 'UNAUTHENTICATED', message: 'Wrong or missing secret token.' });
      return;
    }
    next();
  };
  router.post(
    WEBHOOK_PATH,
    checkSecret,
    express.json({ limit: MAX_UPDATE_BYTES }),
    (req: Request, res: Response, next: NextFunction) => {
      const parsed = updateSchema.safeParse(req.body);
      if (!parsed.success) {
        res.status(400).json({ code: 'VALIDATION', message: 'The body is not a Telegram update.' });
        return;
      }
      const update = parsed.data;
      void (async () => {
        if (!(await deps.store.recordUpdate(update.update_id, Date.now()))) {
          res.json({ ok: true, duplicate: true });
          return;
        }
        try {
          await handleUpdate(update, deps);
        } catch (error) {
          // Telegram delivers it again; let that delivery do the work.
          await deps.store.forgetUpdate(update.update_id);
          throw error;
        }
        res.json({ ok: true });
      })().catch(next);
    },
  );
  return router;
}
