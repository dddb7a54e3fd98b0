// Telegram at head office, started with the server: its store (beside the event log), the
// outbox sender, the admin's operations and the webhook route. Branch PCs never see any of it.
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import type express from 'express';
import type { TelegramService } from '../../core/telegram/service';
import { LeaseKeeper } from '../leases/keeper';
import type { HeadOfficeReplica } from '../replica';
import type { EventStore } from '../store/types';
import { resolveTelegramConfig, type TelegramConfig } from './config';
import { Outbox, TELEGRAM_LEASE, type Log } from './outbox';
import { HeadOfficeTelegram } from './service';
import type { TelegramStore } from './store/types';
import { telegramRouter } from './webhook';
import { WebhookKeeper } from './webhook-keeper';

export { telegramArgs, telegramConfig, type TelegramConfig } from './config';

export interface TelegramRuntime {
  service: TelegramService;
  router: express.Router;
  store: TelegramStore;
  /** Telegram sends it in X-Telegram-Bot-Api-Secret-Token with every update. */
  webhookSecret: string;
  /** Plans and sends what is due now (tests; the loop does the same on its own). */
  flush(): Promise<void>;
  close(): Promise<void>;
}

/** In the event log's PostgreSQL database, or a SQLite file beside the log's folder. */
async function openStore(folder: string, databaseUrl: string | null): Promise<TelegramStore> {
  if (databaseUrl) {
    const { openPostgresTelegramStore } = await import('./store/postgres');
    return openPostgresTelegramStore(databaseUrl);
  }
  const { openSqliteTelegramStore } = await import('./store/sqlite');
  return openSqliteTelegramStore(join(folder, 'telegram', 'telegram.sqlite'));
}

export async function startTelegram(options: {
  config?: TelegramConfig | undefined;
  dataDir: string;
  databaseUrl: string | null;
  replica: HeadOfficeReplica;
  log: Log;
  /** The event store: its leases say which process sends (docs/decisions/0019). */
  events: Pick<EventStore, 'leases' | 'headSeq'>;
  /** The name this process holds leases under (../leases/keeper.ts). */
  holder: string;
  /** The SQLite event store's folder when not `<data>/store`: Telegram's is shared beside it. */
  sqliteStoreDir?: string | undefined;
}): Promise<TelegramRuntime> {
  const config = resolveTelegramConfig(options.config);
  const { replica, log, events } = options;
  const beside = options.sqliteStoreDir ? dirname(options.sqliteStoreDir) : options.dataDir;
  const store = await openStore(beside, options.databaseUrl);
  const secret = await store.initSetting('webhookSecret', randomBytes(32).toString('base64url'));
  await store.pruneUpdates(Date.now() - 7 * 24 * 3600_000);
  const keeper = new LeaseKeeper(
    events.leases,
    TELEGRAM_LEASE,
    options.holder,
    config.senderLeaseMs,
    log,
  );
  const outbox = new Outbox(store, replica, config, log, {
    keeper,
    headSeq: () => events.headSeq(),
  });
  // Holding the lease at start, nobody else sends: rows a crash left claimed go back at once
  // (this process's own; on SQLite any, as every process sharing it runs on this machine and one
  // that lost its lease is gone). Others' rows elsewhere wait for their claim to run out.
  if (await outbox.lead()) await store.release(store.kind === 'sqlite' ? null : outbox.owner);
  const webhook = new WebhookKeeper(store, () => outbox.bot(), config, secret, log);
  // Under the planner lease with several processes: setWebhook happens once across them.
  outbox.chores.push(() => webhook.maintain());
  const service = new HeadOfficeTelegram(store, outbox, replica, config, webhook, log);
  // Given on the command line or in the environment: stored as if the admin had set it.
  const fromConfig = {
    ...(config.token && { token: config.token }),
    ...(config.publicUrl && { publicUrl: config.publicUrl }),
  };
  const changed = await Promise.all(
    Object.entries(fromConfig).map(async ([k, v]) => (await store.setting(k)) !== v),
  );
  if (changed.some(Boolean)) {
    try {
      await service.setSettings(fromConfig, 'command line');
    } catch (error) {
      log({
        level: 'error',
        msg: 'telegram: settings from the command line refused',
        error: String(error),
      });
    }
  }
  // Otherwise the webhook registered before stands; the outbox's rounds check it with Telegram
  // (getWebhookInfo) and set it again if it is missing or failed.
  // Woken when head office's replica has folded new events in: once per burst of pushes.
  const unsubscribe = options.replica.onCaughtUp(() => void outbox.wake());
  outbox.start();
  return {
    service,
    router: telegramRouter(secret, {
      ...{ store, outbox, replica, log },
      buttonRepeatMs: config.buttonRepeatMs,
    }),
    store,
    webhookSecret: secret,
    flush: async () => {
      await options.replica.current();
      await outbox.wake();
    },
    async close() {
      unsubscribe();
      await outbox.close();
      await store.close();
    },
  };
}
