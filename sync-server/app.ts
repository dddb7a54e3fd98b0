// The head-office HTTP API. Every body is parsed by zod before anything acts on it.
import express, { type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import { answerCall, bearer } from '../core/contract/http';
import { NEXT_CERTIFICATE_HEADER } from '../core/sync/pins';
import { enrollRequest, MAX_BODY_BYTES, pullQuery, pushRequest } from '../core/sync/protocol';
import { MAX_SLIP_BYTES } from '../core/orders/steps';
import { mountConsole } from './console';
import { SharedSignIns } from './console-sessions';
import { HttpError } from './errors';
import { jsonBody } from './http/body';
import { hardenApp, type RateLimits } from './http/harden';
import { answerError, noRoute } from './http/refusals';
import { pageJson, type SyncHub } from './hub';
import { headOfficeSetup, recordEnrolledDevice, type HeadOfficeReplica } from './replica';

export interface AppInfo {
  version: string;
  startedAt: number;
  log: (entry: Record<string, unknown>) => void;
  /**
   * Set when serving HTTPS: the certificate PCs pin, reported by /health, and the next one
   * announced to enrolled PCs on every answer (signed with the current key; decision 0014).
   */
  tls?: {
    fingerprint256: string;
    next?: { fingerprint256: string; announcement: string };
  } | null;
  rateLimits?: Partial<RateLimits>;
  /** Telegram's webhook route (issue 5), mounted before the JSON parser: it checks its secret first. */
  telegram?: express.RequestHandler;
  /** The built UI (dist/renderer), served at /console/ as head office's admin console. */
  consoleDir?: string | null;
  /** The desktop apps' update feed at /updates (./updates/routes.ts); uploads stream to disk. */
  updates?: express.RequestHandler;
  /** How long a console sign-in lasts without a call (default: CONSOLE_IDLE_MS, 30 minutes). */
  consoleIdleMs?: number;
}

const hashParam = z.string().regex(/^[0-9a-f]{64}$/, 'must be a sha256 hex digest');

function parse<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const field = issue?.path.map(String).join('.') ?? '';
  throw new HttpError(
    400,
    'VALIDATION',
    `${field ? `${field}: ` : ''}${issue?.message ?? 'is not valid'}`,
  );
}

/**
 * Head office is set up through POST /setup, which also registers it in the log. Through /api
 * these would set up its replica alone, with an admin whoever came first chose (for the demo,
 * one whose password is public).
 */
const SET_UP_THROUGH_SETUP: ReadonlySet<string> = new Set(['setup.initialize', 'setup.loadDemo']);

type Handler = (req: Request, res: Response) => Promise<unknown>;
const route =
  (handler: Handler) =>
  (req: Request, res: Response, next: NextFunction): void => {
    handler(req, res).then((body) => {
      if (!res.headersSent) res.json(body);
    }, next);
  };

export function createApp(
  hub: SyncHub,
  replica: HeadOfficeReplica,
  info: AppInfo,
): express.Express {
  const app = express();
  hardenApp(app, info.rateLimits);
  const announcement = info.tls?.next?.announcement;
  if (announcement)
    app.use((_req: Request, res: Response, next: NextFunction) => {
      res.setHeader(NEXT_CERTIFICATE_HEADER, announcement);
      next();
    });
  if (info.telegram) app.use(info.telegram);
  if (info.updates) app.use('/updates', info.updates);
  app.use('/sync/files', express.raw({ type: () => true, limit: MAX_SLIP_BYTES + 1024 }));
  // Only where a route reads a JSON body; elsewhere a body is not read at all.
  app.use(['/api', '/sync/push', '/sync/enroll', '/setup'], jsonBody(MAX_BODY_BYTES));

  const device = (req: Request) => hub.authenticate(bearer(req.header('authorization')));
  const signIns = new SharedSignIns(hub.store, () => replica.core.db, {
    now: () => replica.core.now(),
    ...(info.consoleIdleMs !== undefined && { idleMs: info.consoleIdleMs }),
  });

  app.get(
    '/health',
    route(async () => {
      let database = false;
      try {
        database = await hub.store.ping();
      } catch {
        database = false;
      }
      return {
        status: database ? 'ok' : 'degraded',
        version: info.version,
        store: hub.store.kind,
        database,
        setUp: replica.ready,
        uptimeSeconds: Math.round((Date.now() - info.startedAt) / 1000),
        ...(info.tls && {
          tls: {
            fingerprint256: info.tls.fingerprint256,
            ...(info.tls.next && { nextFingerprint256: info.tls.next.fingerprint256 }),
          },
        }),
      };
    }),
  );

  app.post(
    '/setup',
    route(async (req) => replica.setup(parse(headOfficeSetup, req.body))),
  );

  app.post(
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
      const signInsBefore = await signIns.before(token);
      const answer = await answerCall(
        (n, input, t) => replica.core.callRaw(n, input, t),
        name,
        req.body,
        token,
        (e) =>
          info.log({
            level: 'error',
            msg: 'operation failed',
            op: req.params['name'],
            error: String(e),
          }),
      );
      if (answer.status === 200) await replica.settle();
      await signIns.after(
        signInsBefore,
        name,
        token,
        answer.body as { ok: boolean; result?: unknown },
      );
      res.status(answer.status).json(answer.body);
    }),
  );

  app.post(
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

  app.post(
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

  app.get(
    '/sync/pull',
    route(async (req, res) => {
      const d = await device(req);
      const q = parse(pullQuery, req.query);
      res.type('application/json').send(pageJson(await hub.pull(d, q.after, q.limit)));
    }),
  );

  app.head(
    '/sync/files/:hash',
    route(async (req, res) => {
      await device(req);
      const has = await hub.store.hasFile(parse(hashParam, req.params['hash']));
      res.status(has ? 200 : 404).end();
    }),
  );
  app.put(
    '/sync/files/:hash',
    route(async (req) => {
      await device(req);
      const body: unknown = req.body;
      if (!Buffer.isBuffer(body) || body.length === 0)
        throw new HttpError(400, 'VALIDATION', 'body: send the file bytes');
      await hub.putFile(parse(hashParam, req.params['hash']), body);
      return { ok: true };
    }),
  );
  app.get(
    '/sync/files/:hash',
    route(async (req, res) => {
      await device(req);
      const bytes = await hub.store.getFile(parse(hashParam, req.params['hash']));
      if (!bytes)
        throw new HttpError(404, 'NOT_FOUND', 'Head office does not have that file (yet).');
      res.type('application/octet-stream').send(bytes);
    }),
  );

  if (info.consoleDir) mountConsole(app, info.consoleDir);

  app.use((req: Request, res: Response) => {
    const answer = noRoute(req);
    res.status(answer.status).json(answer.body);
  });
  app.use((error: unknown, req: Request, res: Response, next: NextFunction) => {
    // Too late to answer: Express's own handler closes the connection.
    if (res.headersSent) {
      next(error);
      return;
    }
    const answer = answerError(error, req);
    if (answer.status >= 500)
      info.log({
        level: 'error',
        msg: 'request failed',
        method: req.method,
        path: req.path,
        error: error instanceof Error ? error.stack : String(error),
      });
    res.status(answer.status).json(answer.body);
  });
  return app;
}
