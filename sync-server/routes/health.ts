// GET /health: for load balancers and PCs, whether this process and its store answer (and the
// certificate PCs pin); for an admin signed in (the console's bearer token), also the version,
// whether Telegram is delivering (its webhook as Telegram last described it, a paused token), and
// which server process holds each lease for work done once across them (docs/decisions/0019).
// Anyone who can reach the server can ask: what it runs and where it fails are the admin's.
import express from 'express';
import { z } from 'zod';
import { bearer } from '../../core/contract/http';
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
    core: {
      services: { telegram?: { health(): Promise<TelegramHealth> } | undefined };
      callRaw(name: string, input: unknown, sessionToken?: string): Promise<unknown>;
    };
  },
  info: HealthInfo,
): express.Router {
  const router = express.Router();
  router.get(
    '/health',
    route(async (req) => {
      let database = false;
      try {
        database = await store.ping();
      } catch {
        database = false;
      }
      const open = {
        status: database ? 'ok' : 'degraded',
        database,
        setUp: replica.ready,
        ...(info.tls && {
          tls: {
            fingerprint256: info.tls.fingerprint256,
            ...(info.tls.next && { nextFingerprint256: info.tls.next.fingerprint256 }),
          },
        }),
      };
      if (!(await isAdmin(replica.core, bearer(req.header('authorization'))))) return open;
      // Read for an admin only: an anonymous check costs the store one query, no more.
      let leases: LeaseState[] = [];
      if (database) leases = await store.leases.all().catch(() => []);
      // From Telegram's store only: a health check never waits for Telegram itself.
      let telegram: TelegramHealth | { error: string } | null = null;
      const service = replica.core.services.telegram;
      if (service)
        telegram = await service.health().catch((error: unknown) => ({ error: String(error) }));
      return {
        ...open,
        version: info.version,
        store: store.kind,
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
      };
    }),
  );
  return router;
}

const adminRow = z.object({ role: z.string() });

/** Whether a bearer token is a signed-in admin's (a stale or foreign token is not: no error). */
async function isAdmin(
  core: { callRaw(name: string, input: unknown, sessionToken?: string): Promise<unknown> },
  token: string | undefined,
): Promise<boolean> {
  if (!token) return false;
  const me = await core.callRaw('auth.me', {}, token).catch(() => null);
  return adminRow.safeParse(me).data?.role === 'admin';
}
