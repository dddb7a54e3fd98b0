// The update feed's tables (see UpdateFeedStore in ./types.ts), on either dialect. Their schema
// is among the event store's migrations (./migrations/events.ts). Installer bytes live in the
// store in chunks of at most UPDATE_CHUNK_BYTES (see sync-server/updates/feed.ts for why; a
// bytea or BLOB value stays small, and PostgreSQL reads one whole).
import type { SqlDialect } from './dialect';
import { chunksRow, bytesRow, feedRow, first, updateFileRow, updateManifestRow } from './rows';
import { parseRows } from '../../core/db/rows';
import type {
  UpdateFeedSnapshot,
  UpdateFeedStore,
  UpdateFileRecord,
  UpdateManifestRecord,
} from './types';

const BUMP = `INSERT INTO update_feed (id, revision) VALUES (1, 1)
  ON CONFLICT (id) DO UPDATE SET revision = update_feed.revision + 1`;

export class SqlUpdateFeedStore implements UpdateFeedStore {
  constructor(protected readonly sql: SqlDialect) {}

  async updateFeedRevision(): Promise<number> {
    const feed = first(
      feedRow,
      await this.sql.all('SELECT revision, settings FROM update_feed WHERE id = 1'),
    );
    return feed?.revision ?? 0;
  }

  async updateFeed(): Promise<UpdateFeedSnapshot> {
    // One snapshot: the revision read belongs to the rows read with it.
    return this.sql.snapshot(async (tx) => {
      const feed = first(
        feedRow,
        await tx.all('SELECT revision, settings FROM update_feed WHERE id = 1'),
      );
      const files = parseRows(
        updateFileRow,
        await tx.all(
          `SELECT name, sha512, bytes, at FROM update_files ORDER BY name${this.sql.byteOrder}`,
        ),
      );
      const manifests = parseRows(
        updateManifestRow,
        await tx.all(
          `SELECT channel, version, text, signature, at FROM update_manifests
           ORDER BY channel${this.sql.byteOrder}, version${this.sql.byteOrder}`,
        ),
      );
      return {
        revision: feed?.revision ?? 0,
        settingsJson: feed?.settings ?? null,
        files,
        manifests,
      };
    });
  }

  async hasUpdateBlob(sha512: string): Promise<boolean> {
    return (
      (await this.sql.all('SELECT 1 FROM update_blobs WHERE sha512 = $1', [sha512])).length > 0
    );
  }

  async putUpdateBlob(sha512: string, bytes: number, chunks: AsyncIterable<Buffer>): Promise<void> {
    if (await this.hasUpdateBlob(sha512)) {
      for await (const _ of chunks) void _;
      return;
    }
    // Chunks arrive from a file or a request between statements, so no transaction is held
    // open while they do: the blob row, written last, is what makes them count, and chunks of a
    // broken write are written over. Two processes taking the same installer at once write the
    // same bytes (the key is their hash).
    let n = 0;
    for await (const chunk of chunks)
      await this.sql.run(
        `INSERT INTO update_chunks (sha512, n, bytes) VALUES ($1, $2, $3)
         ON CONFLICT (sha512, n) DO UPDATE SET bytes = excluded.bytes`,
        [sha512, n++, chunk],
      );
    await this.sql.transaction(async (tx) => {
      await tx.run('DELETE FROM update_chunks WHERE sha512 = $1 AND n >= $2', [sha512, n]);
      await tx.run(
        'INSERT INTO update_blobs (sha512, bytes, chunks) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
        [sha512, bytes, n],
      );
    });
  }

  async *readUpdateBlob(sha512: string): AsyncIterable<Buffer> {
    const blob = first(
      chunksRow,
      await this.sql.all('SELECT chunks FROM update_blobs WHERE sha512 = $1', [sha512]),
    );
    for (let n = 0; n < (blob?.chunks ?? 0); n++) {
      const chunk = first(
        bytesRow,
        await this.sql.all('SELECT bytes FROM update_chunks WHERE sha512 = $1 AND n = $2', [
          sha512,
          n,
        ]),
      );
      if (!chunk) throw new Error(`update blob ${sha512.slice(0, 12)}…: chunk ${n} is missing`);
      yield chunk.bytes;
    }
  }

  async setUpdateFile(name: string, file: Omit<UpdateFileRecord, 'name'> | null): Promise<void> {
    await this.sql.transaction(async (tx) => {
      if (file)
        await tx.run(
          `INSERT INTO update_files (name, sha512, bytes, at) VALUES ($1, $2, $3, $4)
           ON CONFLICT (name) DO UPDATE SET sha512 = excluded.sha512, bytes = excluded.bytes, at = excluded.at`,
          [name, file.sha512, file.bytes, file.at],
        );
      else await tx.run('DELETE FROM update_files WHERE name = $1', [name]);
      await tx.run(BUMP);
    });
  }

  async putUpdateManifest(m: UpdateManifestRecord, consumed: string | null): Promise<void> {
    await this.sql.transaction(async (tx) => {
      await tx.run(
        `INSERT INTO update_manifests (channel, version, text, signature, at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (channel, version) DO UPDATE SET text = excluded.text, signature = excluded.signature, at = excluded.at`,
        [m.channel, m.version, m.text, m.signature, m.at],
      );
      if (consumed) await tx.run('DELETE FROM update_files WHERE name = $1', [consumed]);
      await tx.run(BUMP);
    });
  }

  async setUpdateSettings(settingsJson: string): Promise<void> {
    await this.sql.run(
      `INSERT INTO update_feed (id, revision, settings) VALUES (1, 1, $1)
       ON CONFLICT (id) DO UPDATE SET revision = update_feed.revision + 1, settings = excluded.settings`,
      [settingsJson],
    );
  }
}
