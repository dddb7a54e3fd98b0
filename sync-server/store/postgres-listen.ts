// LISTEN on one channel, over a connection of its own (a pooled one is handed to anyone and
// forgets its LISTEN), connected again after a drop with a growing pause. Whoever listens also
// polls now and then (sync-server/news.ts): a notification sent while no connection listened is
// lost, so each reconnection is reported as news too.
import pg from 'pg';
import { SERVER_APP_NAME } from './postgres-dialect';

/** The channel a server process notifies on after it took events into the log. */
export const LOG_CHANNEL = 'fse_log';

const RETRY = { firstMs: 1_000, maxMs: 30_000 };

export async function listenOn(
  url: string,
  channel: string,
  /** With the notification's payload; null for whatever was announced while nobody listened. */
  heard: (payload: string | null) => void,
): Promise<() => Promise<void>> {
  if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`not a channel name: ${channel}`);
  let client: pg.Client | null = null;
  let stopped = false;
  let retryMs = RETRY.firstMs;
  let timer: NodeJS.Timeout | null = null;

  const drop = (c: pg.Client) => {
    if (client !== c) return;
    client = null;
    c.end().catch(() => undefined);
    retry();
  };
  const connect = async () => {
    const c = new pg.Client({ connectionString: url, application_name: SERVER_APP_NAME });
    c.on('notification', (message) => {
      if (message.channel === channel) heard(message.payload ?? '');
    });
    c.on('error', () => drop(c));
    c.on('end', () => drop(c));
    try {
      await c.connect();
      await c.query(`LISTEN ${channel}`);
    } catch (error) {
      await c.end().catch(() => undefined);
      throw error;
    }
    if (stopped) {
      await c.end().catch(() => undefined);
      return;
    }
    client = c;
    retryMs = RETRY.firstMs;
    // Whatever was announced while nobody listened here.
    heard(null);
  };
  const retry = () => {
    if (stopped || timer) return;
    timer = setTimeout(() => {
      timer = null;
      connect().catch(() => {
        retryMs = Math.min(retryMs * 2, RETRY.maxMs);
        retry();
      });
    }, retryMs);
    timer.unref();
  };

  // A database that refuses the listener now is tried again later; polling covers meanwhile.
  await connect().catch(() => retry());
  return async () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    const c = client;
    client = null;
    await c?.end().catch(() => undefined);
  };
}
