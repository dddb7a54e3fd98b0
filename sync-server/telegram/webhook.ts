// POST /telegram/webhook. The secret header is checked (in constant time) before the body is
// even read; each update id is handled once, however often Telegram delivers it.
import { createHash, timingSafeEqual } from 'node:crypto';
import express, { type NextFunction, type Request, type Response } from 'express';
import { HttpError } from '../errors';
import { firstIssue } from '../routes/handle';
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
      // Refused through the app's error handler, in the body every other refusal has.
      next(
        new HttpError(
          401,
          'UNAUTHENTICATED',
          'The X-Telegram-Bot-Api-Secret-Token header is missing or wrong: only Telegram, with the secret head office registered, may call this address.',
        ),
      );
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
        // A 4xx, not a fault: Telegram never sends such an update, so nothing is worth retrying.
        next(
          new HttpError(
            400,
            'VALIDATION',
            `The body is not a Telegram update: ${firstIssue(parsed.error)}. Nothing was stored.`,
          ),
        );
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
