// The nightly backup with two head-office server processes on one store, each a real process
// with its own data folder (the schedule every 5 seconds instead of 2 AM): each scheduled time
// is backed up once, by one of them, and the other says it skipped it; with one killed, the
// other goes on alone; and one killed half way through a backup has its slot taken over.
import { chmodSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { listBackups } from '../../core/backup/names';
import { spawnServer, type ServerProcess } from '../bench/server-process';
import type { ServerConfig } from '../main';
import { PostgresEventStore } from '../store/postgres';
import { SqliteEventStore } from '../store/sqlite';
import { usePostgres } from '../testing/backups';
import { findPgBin } from './server-backups';

const EVERY_5_S = '*/5 * * * * *';
const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));

interface Heard {
  who: string;
  msg: string;
  slot: number | null;
}

const running: ServerProcess[] = [];
afterEach(async () => {
  for (const p of running.splice(0)) await p.close();
});

/** A server process whose log lines about the backup land in `heard`, tagged with `who`. */
async function start(
  who: string,
  heard: Heard[],
  config: Partial<ServerConfig> & { dataDir: string },
) {
  const server = await spawnServer(
    { backupSchedule: EVERY_5_S, ...config },
    {
      onLog: (e) => {
        const msg = String(e['msg']);
        const slot = e['slot'];
        if (msg.startsWith('backup'))
          heard.push({
            who,
            msg,
            slot:
              typeof slot === 'object' && slot !== null && 'at' in slot ? Number(slot.at) : null,
          });
      },
    },
  );
  running.push(server);
  return server;
}

/** Who did each slot (a list, so a slot done twice shows). */
const doneBy = (heard: Heard[]) => {
  const by = new Map<number, string[]>();
  for (const h of heard)
    if (h.msg === 'backup: done' && h.slot !== null)
      by.set(h.slot, [...(by.get(h.slot) ?? []), h.who]);
  return by;
};

async function until(check: () => boolean, what: string, ms = 90_000) {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

const storeBackups = (...dirs: string[]) =>
  dirs.flatMap((d) =>
    listBackups(join(d, 'backups')).filter((b) => b.status === 'complete' && b.label !== 'replica'),
  );

describe.each(['sqlite', 'postgres'] as const)(
  'the nightly backup, two processes on %s',
  (kind) => {
    const pg = kind === 'postgres' ? usePostgres() : null;

    it('is taken once per scheduled time, the other process saying it skipped it; killed, the other goes on alone', async () => {
      const [a, b] = ['a', 'b'].map((n) => mkdtempSync(join(tmpdir(), `fse-once-${n}-`)));
      const databaseUrl = pg ? await pg.createDatabase('backup_once') : null;
      const heard: Heard[] = [];
      const A = await start('A', heard, { dataDir: a!, databaseUrl });
      const B = await start('B', heard, {
        dataDir: b!,
        databaseUrl,
        ...(kind === 'sqlite' && { sqliteStoreDir: join(a!, 'store') }),
      });
      const bothUp = Date.now();
      const slotsSince = (t: number) => [...doneBy(heard).keys()].filter((s) => s > t);
      await until(() => slotsSince(bothUp).length >= 3, 'three scheduled backups');

      const skipped = /^backup: skipped, (another server process runs it|done already)$/;
      let skips = 0;
      for (const slot of slotsSince(bothUp)) {
        expect(doneBy(heard).get(slot)).toHaveLength(1);
        const [who] = doneBy(heard).get(slot)!;
        // The other's schedule fired too (unless this loaded machine made it miss a beat), and
        // it skipped the slot, in words.
        const others = heard.filter((h) => h.slot === slot && h.who !== who).map((h) => h.msg);
        expect(others.length).toBeLessThanOrEqual(1);
        for (const msg of others) expect(msg).toMatch(skipped);
        skips += others.length;
      }
      expect(skips).toBeGreaterThanOrEqual(2);
      // Not one backup more than slots done: none taken twice, in either data folder.
      expect(storeBackups(a!, b!)).toHaveLength(doneBy(heard).size);

      // The one that did the last slot is killed; the other does every slot from then on.
      const last = Math.max(...doneBy(heard).keys());
      const [holder] = doneBy(heard).get(last)!;
      const [dead, alive] = holder === 'A' ? [A, 'B'] : [B, 'A'];
      process.kill(dead.pid, 'SIGKILL');
      const killedAt = Date.now();
      await until(() => slotsSince(killedAt).length >= 2, 'two backups after the kill');
      for (const slot of slotsSince(killedAt)) expect(doneBy(heard).get(slot)).toEqual([alive]);
      const store =
        kind === 'sqlite'
          ? new SqliteEventStore(join(a!, 'store'))
          : await PostgresEventStore.connect(databaseUrl!);
      try {
        const lease = (await store.leases.all()).find((l) => l.name === 'backup');
        expect(lease?.doneSlot).toBe(Math.max(...doneBy(heard).keys()));
      } finally {
        await store.close();
      }
    }, 240_000);

    it.runIf(kind === 'postgres')(
      'has a backup whose process was killed half way taken over by the other, for the same scheduled time',
      async () => {
        // pg_dump that takes 4 seconds longer, so a backup is surely under way when the kill comes.
        const real = findPgBin();
        const slow = mkdtempSync(join(tmpdir(), 'fse-slow-pg-'));
        writeFileSync(
          join(slow, 'pg_dump'),
          `#!/bin/sh\nsleep 4\nexec ${real ? join(real, 'pg_dump') : 'pg_dump'} "$@"\n`,
        );
        chmodSync(join(slow, 'pg_dump'), 0o755);
        symlinkSync(
          real ? join(real, 'pg_restore') : '/usr/bin/pg_restore',
          join(slow, 'pg_restore'),
        );
        const before = process.env['FSE_PG_BIN'];
        process.env['FSE_PG_BIN'] = slow;
        try {
          const databaseUrl = await pg!.createDatabase('backup_takeover');
          const heard: Heard[] = [];
          const config = (n: string) => ({
            dataDir: mkdtempSync(join(tmpdir(), `fse-takeover-${n}-`)),
            databaseUrl,
            backupSchedule: '*/10 * * * * *',
            backupLeaseMs: 2_000,
          });
          const servers = {
            A: await start('A', heard, config('a')),
            B: await start('B', heard, config('b')),
          };
          // A slot begins: one process holds the lease and dumps; the other skipped it.
          await until(
            () => heard.some((h) => h.msg === 'backup: skipped, another server process runs it'),
            'a backup under way',
          );
          const skip = heard.find(
            (h) => h.msg === 'backup: skipped, another server process runs it',
          )!;
          const holder = skip.who === 'A' ? 'B' : 'A';
          expect(doneBy(heard).get(skip.slot!)).toBeUndefined();
          process.kill(servers[holder].pid, 'SIGKILL');
          // The other sees the lease run out, finds the slot not done, and backs it up itself.
          await until(() => doneBy(heard).has(skip.slot!), 'the slot taken over');
          expect(doneBy(heard).get(skip.slot!)).toEqual([skip.who]);
          expect(
            heard.filter((h) => h.who === skip.who && h.slot === skip.slot).map((h) => h.msg),
          ).toEqual([
            'backup: skipped, another server process runs it',
            'backup: taken over, its holder did not finish',
            'backup: done',
          ]);
        } finally {
          if (before === undefined) delete process.env['FSE_PG_BIN'];
          else process.env['FSE_PG_BIN'] = before;
        }
      },
      240_000,
    );
  },
);
