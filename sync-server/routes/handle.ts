// What every router here shares: an async handler whose answer is sent as JSON (a failure goes
// to the app's one error handler), a zod parse that refuses with a 400 naming the field, and the
// enrolled device behind a request's bearer token.
import type { NextFunction, Request, Response } from 'express';
import type { z } from 'zod';
import { bearer } from '../../core/contract/http';
import { HttpError } from '../errors';
import type { SyncHub } from '../hub';
import type { DeviceRecord } from '../store/types';

type Handler = (req: Request, res: Response) => Promise<unknown>;

/** Sends what `handler` returns as JSON, unless it answered itself. */
export const route =
  (handler: Handler) =>
  (req: Request, res: Response, next: NextFunction): void => {
    handler(req, res).then((body) => {
      if (!res.headersSent) res.json(body);
    }, next);
  };

/** The first thing wrong with a value, as "<field>: <problem>" (the field as a dotted path). */
export function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  const field = issue?.path.map(String).join('.') ?? '';
  return `${field ? `${field}: ` : ''}${issue?.message ?? 'is not valid'}`;
}

export function parse<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  throw new HttpError(400, 'VALIDATION', firstIssue(r.error));
}

/** The enrolled device a request comes from, or a refusal (unknown or revoked token). */
export const deviceOf =
  (hub: Pick<SyncHub, 'authenticate'>) =>
  (req: Request): Promise<DeviceRecord> =>
    hub.authenticate(bearer(req.header('authorization')));
