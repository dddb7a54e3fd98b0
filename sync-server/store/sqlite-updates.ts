// The update feed's tables in the SQLite store (see UpdateFeedStore in ./types.ts). Their schema
// is among the event store's migrations (./migrations/events.ts).
// Installer bytes live in the store, in chunks (see sync-server/updates/feed.ts for why).
import type Database from 'better-sqlite3';
import type {
  UpdateFeedSnapshot,
  UpdateFeedStore,
  UpdateFileRecord,
  UpdateManifestRecord,
} from './types';

const BUMP = `INSERT INTO update_feed (id, revision) VALUES (1, 1)
  ON CONFLICT (id) DO UPDATE SET revision = revision + 1`;

export class SqliteUpdateFeedTables implements UpdateFeedStore {
  constructor(private readonly db: Database.Database) {}

  async updateFeedRevision(): Promise<number> {
    const row = this.db.prepare('SELECT revision FROM update_feed WHERE id = 1').get() as
      { revision: number } | undefined;
    return row?.revision ?? 0;
  }

  async updateFeed(): Promise<UpdateFeedSnapshot> {
    return this.db.transaction(() => {
      const feed = this.db
        .prepare('SELECT revision, settings FROM update_feed WHERE id = 1')
        .get() as { revision: number; settings: string | null } | undefined;
      return {
        revision: feed?.revision ?? 0,
        settingsJson: feed?.settings ?? null,
        files: this.db
          .prepare('SELECT name, sha512, bytes, at FROM update_files ORDER BY name')
          .all() as UpdateFileRecord[],
        manifests: this.db
          .prepare(
            'SELECT channel, version, text, signature, at FROM update_manifests ORDER BY channel, version',
          )
          .all() as UpdateManifestRecord[],
      };
    })();
  }

  async hasUpdateBlob(sha512: string): Promise<boolean> {
    return this.db.prepare('SELECT 1 FROM update_blobs WHERE sha512 = ?').get(sha512) !== undefined;
  }

  async putUpdateBlob(sha512: string, bytes: number, chunks: AsyncIterable<Buffer>): Promise<void> {
    if (await this.hasUpdateBlob(sha512)) {
      for await (const _ of chunks) void _;
      return;
    }
    // Chunks are read from a file between statements, so not in one SQLite transaction: the blob
    // row, written last, is what makes them count; chunks of a broken write are written over.
    const put = this.db.prepare(
      'INSERT INTO update_chunks (sha512, n, bytes) VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET bytes = excluded.bytes',
    );
    let n = 0;
    for await (const chunk of chunks) put.run(sha512, n++, chunk);
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM update_chunks WHERE sha512 = ? AND n >= ?').run(sha512, n);
      this.db
        .prepare(
          'INSERT INTO update_blobs (sha512, bytes, chunks) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
        )
        .run(sha512, bytes, n);
    })();
  }

  async *readUpdateBlob(sha512: string): AsyncIterable<Buffer> {
    const blob = this.db.prepare('SELECT chunks FROM update_blobs WHERE sha512 = ?').get(sha512) as
      { chunks: number } | undefined;
    const read = this.db.prepare('SELECT bytes FROM update_chunks WHERE sha512 = ? AND n = ?');
    for (let n = 0; n < (blob?.chunks ?? 0); n++) {
      const row = read.get(sha512, n) as { bytes: Buffer } | undefined;
      if (!row) throw new Error(`update blob ${sha512.slice(0, 12)}…: chunk ${n} is missing`);
      yield row.bytes;
    }
  }

  async setUpdateFile(name: string, file: Omit<UpdateFileRecord, 'name'> | null): Promise<void> {
    this.db.transaction(() => {
      if (file)
        this.db
          .prepare(
            `INSERT INTO update_files (name, sha512, bytes, at) VALUES (?, ?, ?, ?)
             ON CONFLICT (name) DO UPDATE SET sha512 = excluded.sha512, bytes = excluded.bytes, at = excluded.at`,
          )
          .run(name, file.sha512, file.bytes, file.at);
      else this.db.prepare('DELETE FROM update_files WHERE name = ?').run(name);
      this.db.prepare(BUMP).run();
    })();
  }

  async putUpdateManifest(m: UpdateManifestRecord, consumed: string | null): Promise<void> {
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO update_manifests (channel, version, text, signature, at) VALUES (@channel, @version, @text, @signature, @at)
           ON CONFLICT (channel, version) DO UPDATE SET text = excluded.text, signature = excluded.signature, at = excluded.at`,
        )
        .run(m);
      if (consumed) this.db.prepare('DELETE FROM update_files WHERE name = ?').run(consumed);
      this.db.prepare(BUMP).run();
    })();
  }

  async setUpdateSettings(settingsJson: string): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO update_feed (id, revision, settings) VALUES (1, 1, ?)
         ON CONFLICT (id) DO UPDATE SET revision = revision + 1, settings = excluded.settings`,
      )
      .run(settingsJson);
  }
}
