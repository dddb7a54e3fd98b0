// The update feed's tables in the PostgreSQL store (see UpdateFeedStore in ./types.ts). Their
// schema is among the event store's migrations (./migrations/events.ts).
// Installer bytes live in the store, in chunks of at most UPDATE_CHUNK_BYTES (bytea values stay
// small: PostgreSQL caps one at 1 GB, and reads a value whole).
import type pg from 'pg';
import type {
  UpdateFeedSnapshot,
  UpdateFeedStore,
  UpdateFileRecord,
  UpdateManifestRecord,
} from './types';

const BUMP = `INSERT INTO update_feed (id, revision) VALUES (1, 1)
  ON CONFLICT (id) DO UPDATE SET revision = update_feed.revision + 1`;

type Transaction = <T>(work: (client: pg.PoolClient) => Promise<T>) => Promise<T>;

export class PostgresUpdateFeedTables implements UpdateFeedStore {
  constructor(
    private readonly pool: pg.Pool,
    private readonly transaction: Transaction,
  ) {}

  async updateFeedRevision(): Promise<number> {
    const { rows } = await this.pool.query<{ revision: number }>(
      'SELECT revision FROM update_feed WHERE id = 1',
    );
    return rows[0]?.revision ?? 0;
  }

  async updateFeed(): Promise<UpdateFeedSnapshot> {
    // One snapshot: the revision read belongs to the rows read with it.
    return this.transaction(async (c) => {
      await c.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const feed = await c.query<{ revision: number; settings: string | null }>(
        'SELECT revision, settings FROM update_feed WHERE id = 1',
      );
      const files = await c.query<UpdateFileRecord>(
        'SELECT name, sha512, bytes, at FROM update_files ORDER BY name',
      );
      const manifests = await c.query<UpdateManifestRecord>(
        'SELECT channel, version, text, signature, at FROM update_manifests ORDER BY channel, version',
      );
      return {
        revision: feed.rows[0]?.revision ?? 0,
        settingsJson: feed.rows[0]?.settings ?? null,
        files: files.rows,
        manifests: manifests.rows,
      };
    });
  }

  async hasUpdateBlob(sha512: string): Promise<boolean> {
    const { rowCount } = await this.pool.query('SELECT 1 FROM update_blobs WHERE sha512 = $1', [
      sha512,
    ]);
    return (rowCount ?? 0) > 0;
  }

  async putUpdateBlob(sha512: string, bytes: number, chunks: AsyncIterable<Buffer>): Promise<void> {
    if (await this.hasUpdateBlob(sha512)) {
      for await (const _ of chunks) void _;
      return;
    }
    // One transaction: a blob is there whole or not at all. Two processes taking the same
    // installer at once write the same bytes; the second one's rows are no-ops.
    await this.transaction(async (c) => {
      let n = 0;
      for await (const chunk of chunks)
        await c.query(
          'INSERT INTO update_chunks (sha512, n, bytes) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
          [sha512, n++, chunk],
        );
      await c.query(
        'INSERT INTO update_blobs (sha512, bytes, chunks) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
        [sha512, bytes, n],
      );
    });
  }

  async *readUpdateBlob(sha512: string): AsyncIterable<Buffer> {
    const { rows } = await this.pool.query<{ chunks: number }>(
      'SELECT chunks FROM update_blobs WHERE sha512 = $1',
      [sha512],
    );
    for (let n = 0; n < (rows[0]?.chunks ?? 0); n++) {
      const chunk = await this.pool.query<{ bytes: Buffer }>(
        'SELECT bytes FROM update_chunks WHERE sha512 = $1 AND n = $2',
        [sha512, n],
      );
      const bytes = chunk.rows[0]?.bytes;
      if (!bytes) throw new Error(`update blob ${sha512.slice(0, 12)}…: chunk ${n} is missing`);
      yield bytes;
    }
  }

  async setUpdateFile(name: string, file: Omit<UpdateFileRecord, 'name'> | null): Promise<void> {
    await this.transaction(async (c) => {
      if (file)
        await c.query(
          `INSERT INTO update_files (name, sha512, bytes, at) VALUES ($1, $2, $3, $4)
           ON CONFLICT (name) DO UPDATE SET sha512 = excluded.sha512, bytes = excluded.bytes, at = excluded.at`,
          [name, file.sha512, file.bytes, file.at],
        );
      else await c.query('DELETE FROM update_files WHERE name = $1', [name]);
      await c.query(BUMP);
    });
  }

  async putUpdateManifest(m: UpdateManifestRecord, consumed: string | null): Promise<void> {
    await this.transaction(async (c) => {
      await c.query(
        `INSERT INTO update_manifests (channel, version, text, signature, at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (channel, version) DO UPDATE SET text = excluded.text, signature = excluded.signature, at = excluded.at`,
        [m.channel, m.version, m.text, m.signature, m.at],
      );
      if (consumed) await c.query('DELETE FROM update_files WHERE name = $1', [consumed]);
      await c.query(BUMP);
    });
  }

  async setUpdateSettings(settingsJson: string): Promise<void> {
    await this.pool.query(
      `INSERT INTO update_feed (id, revision, settings) VALUES (1, 1, $1)
       ON CONFLICT (id) DO UPDATE SET revision = update_feed.revision + 1, settings = excluded.settings`,
      [settingsJson],
    );
  }
}
