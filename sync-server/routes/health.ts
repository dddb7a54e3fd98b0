// GET /health: for load balancers and the admin, whether this process and its store answer,
// and whether Telegram is delivering (its webhook as Telegram last described it, a paused token).
import express from 'express';
import type { TelegramHealth } from '../../core/telegram/service';
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
  replica: Pick<HeadOfficeReplica, 'ready'> & {
    core: { services: { telegram?: { health(): Promise<TelegramHealth> } | undefined } };
  },
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
      // From Telegram's store only: a health check never waits for Telegram itself.
      let telegram: TelegramHealth | { error: string } | null = null;
      const service = replica.core.services.telegram;
      if (service)
        telegram = await service.health().catch((error: unknown) => ({ error: String(error) }));
      return {
        status: database ? 'ok' : 'degraded',
        version: info.version,
        store: store.kind,
        database,
        setUp: replica.ready,
        uptimeSeconds: Math.round((Date.now() - info.startedAt) / 1000),
        ...(telegram && { telegram }),
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
