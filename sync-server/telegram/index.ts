// Telegram at head office, started with the server: its store (beside the event log), the
// outbox sender, the admin's operations and the webhook route. Branch PCs never see any of it.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type express from 'express';
import type { TelegramService } from '../../core/telegram/service';
import type { HeadOfficeReplica } from '../replica';
import { resolveTelegramConfig, type TelegramConfig } from './config';
import { Outbox, type Log } from './outbox';
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

async function openStore(dataDir: string, databaseUrl: string | null): Promise<TelegramStore> {
  if (databaseUrl) {
    const { openPostgresTelegramStore } = await import('./store/postgres');
    return openPostgresTelegramStore(databaseUrl);
  }
  const { openSqliteTelegramStore } = await import('./store/sqlite');
  return openSqliteTelegramStore(join(dataDir, 'telegram', 'telegram.sqlite'));
}

export async function startTelegram(options: {
  config?: TelegramConfig | undefined;
  dataDir: string;
  databaseUrl: string | null;
  replica: HeadOfficeReplica;
  log: Log;
}): Promise<TelegramRuntime> {
  const config = resolveTelegramConfig(options.config);
  const { replica, log } = options;
  const store = await openStore(options.dataDir, options.databaseUrl);
  const secret = await store.initSetting('webhookSecret', randomBytes(32).toString('base64url'));
  await store.pruneUpdates(Date.now() - 7 * 24 * 3600_000);
  const outbox = new Outbox(store, replica, config, log);
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
    flush: () => outbox.wake(),
    async close() {
      unsubscribe();
      await outbox.close();
      await store.close();
    },
  };
}
