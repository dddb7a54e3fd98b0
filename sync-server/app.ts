// The head-office HTTP API, assembled from one router per concern (./routes/): each takes only
// what it needs and reads its own bodies, parsed by zod before anything acts on them.
import express, { type NextFunction, type Request, type Response } from 'express';
import { NEXT_CERTIFICATE_HEADER } from '../core/sync/pins';
import { mountConsole } from './console';
import { hardenApp, type RateLimits } from './http/harden';
import { answerError, noRoute } from './http/refusals';
import type { SyncHub } from './hub';
import type { LogNews } from './news';
import type { HeadOfficeReplica } from './replica';
import { contractRoutes } from './routes/contract';
import { enrollRoutes } from './routes/enroll';
import { fileRoutes } from './routes/files';
import { healthRoutes } from './routes/health';
import { setupRoutes } from './routes/setup';
import { syncRoutes } from './routes/sync';
import type { PortalService } from '../core/portal/service';
import { mountPortal } from './portal/serve';

export interface AppInfo {
  version: string;
  startedAt: number;
  /** The name this process holds leases under, shown by /health (./leases/keeper.ts). */
  holder?: string;
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
  /** PCs waiting for news at /sync/wait (./news.ts). */
  news: Pick<LogNews, 'wait'>;
  /** The customer portal (decision 0034): the same UI at /portal/ while it is on. */
  portal?: PortalService;
  /** The reverse proxies whose X-Forwarded-* headers count (ServerConfig.trustProxy). */
  trustProxy?: readonly string[];
}

/**
 * Express reads the first X-Forwarded-Proto value, which the client wrote itself when the proxy
 * adds its own after it instead of replacing it ("https, http" from a plain-HTTP client); the
 * last value is the trusted proxy's. Only for a request the proxy forwarded (trusted address).
 */
function protoFromNearestProxy(app: express.Express) {
  // Express's own compiled check of the trusted addresses (app.set('trust proxy', …)).
  const trusted: (address: string | undefined, hop: number) => boolean = app.get('trust proxy fn');
  return (req: Request, _res: Response, next: NextFunction) => {
    const header = req.header('x-forwarded-proto');
    if (header?.includes(',') && trusted(req.socket.remoteAddress, 0)) {
      const nearest = header.slice(header.lastIndexOf(',') + 1).trim();
      Object.defineProperty(req, 'secure', { value: nearest === 'https' });
    }
    next();
  };
}

export function createApp(
  hub: SyncHub,
  replica: HeadOfficeReplica,
  info: AppInfo,
): express.Express {
  const app = express();
  // Before anything reads req.ip or req.secure: the rate limits, HSTS, the portal.
  if (info.trustProxy) {
    app.set('trust proxy', [...info.trustProxy]);
    app.use(protoFromNearestProxy(app));
  }
  hardenApp(app, info.rateLimits);
  const announcement = info.tls?.next?.announcement;
  if (announcement)
    app.use((_req: Request, res: Response, next: NextFunction) => {
      res.setHeader(NEXT_CERTIFICATE_HEADER, announcement);
      next();
    });
  if (info.telegram) app.use(info.telegram);
  if (info.updates) app.use('/updates', info.updates);

  app.use(healthRoutes(hub.store, replica, info));
  app.use(setupRoutes(replica));
  app.use(contractRoutes(replica, info.log));
  app.use(enrollRoutes(hub, replica));
  app.use(syncRoutes(hub, replica, info.news));
  app.use(fileRoutes(hub, hub.store));
  if (info.consoleDir) mountConsole(app, info.consoleDir);
  if (info.portal) mountPortal(app, info.consoleDir ?? null, info.portal);

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
