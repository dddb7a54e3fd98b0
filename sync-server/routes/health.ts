// GET /health: for load balancers and the admin, whether this process and its store answer,
// whether Telegram is delivering (its webhook as Telegram last described it, a paused token), and
// which server process holds each lease for work done once across them (docs/decisions/0019).
import express from 'express';
import type { TelegramHealth } from '../../core/telegram/service';
import type { HeadOfficeReplica } from '../replica';
import type { LeaseState } from '../store/leases';
import type { EventStore } from '../store/types';
import { route } from './handle';

export interface HealthInfo {
  version: string;
  startedAt: number;
  /** Set when serving HTTPS: the certificate PCs pin, and the next one when announced. */
  tls?: { fingerprint256: string; next?: { fingerprint256: string } } | null;
  /** The name this process holds leases under (leases/keeper.ts). */
  holder?: string;
}

export function healthRoutes(
  store: Pick<EventStore, 'ping' | 'kind' | 'leases'>,
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
      let leases: LeaseState[] = [];
      try {
        database = await store.ping();
        leases = await store.leases.all();
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
        ...(info.holder && { holder: info.holder }),
        leases: leases.map((l) => ({
          name: l.name,
          holder: l.held ? l.holder : null,
          ...(info.holder && { here: l.held && l.holder === info.holder }),
          expiresAt: l.held ? l.expiresAt : null,
          ...(l.doneAt !== null && { lastDoneAt: l.doneAt, lastDoneBy: l.doneBy }),
        })),
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
