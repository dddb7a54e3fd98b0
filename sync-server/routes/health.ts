// GET /health: for load balancers and the admin, whether this process and its store answer.
import express from 'express';
import type { HeadOfficeReplica } from '../replica';
import type { EventStore } from '../store/types';
import { route } from './handle';

export interface HealthInfo {
  version: string;
  startedAt: number;
  /** Set when serving HTTPS: the certificate PCs pin, and the next one when announced. */
  tls?: { fingerprint256: string; next?: { fingerprint256: string } } | null;
}

export function healthRoutes(
  store: Pick<EventStore, 'ping' | 'kind'>,
  replica: Pick<HeadOfficeReplica, 'ready'>,
  info: HealthInfo,
): express.Router {
  const router = express.Router();
  router.get(
    '/health',
    route(async () => {
      let database = false;
      try {
        database = await store.ping();
      } catch {
        database = false;
      }
      return {
        status: database ? 'ok' : 'degraded',
        version: info.version,
        store: store.kind,
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
  return router;
}
