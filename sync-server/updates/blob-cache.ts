// Installer bytes for the update feed: kept in the shared store (every server process serves
// the same ones, whichever took the upload), and copied by each process into a folder of its
// own to serve from, so that downloads get HTTP ranges (electron-updater's differential
// downloads ask for them) without reading the store for each range.
//
// Why the store and not a folder every process shares: head office's processes may run on
// several machines behind a load balancer, and the store is the one thing they already share
// (a shared folder would need a network file system set up beside PostgreSQL, and would be
// backed up apart from it). The bytes go in chunks of at most 1 MB, so no value is near
// PostgreSQL's 1 GB limit and neither side holds a whole installer in memory. The local copy
// is named by its sha512 and checked against it when it is made, so it can never be stale.
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { UPDATE_CHUNK_BYTES, type UpdateFeedStore } from '../store/types';

/** A sha512 in base64 as a file name. */
export const blobFileName = (sha512: string) => Buffer.from(sha512, 'base64').toString('hex');

/** A file's bytes in chunks of at most UPDATE_CHUNK_BYTES. */
export async function* fileChunks(path: string): AsyncIterable<Buffer> {
  for await (const chunk of createReadStream(path, { highWaterMark: UPDATE_CHUNK_BYTES }))
    yield chunk as Buffer;
}

export class BlobCache {
  constructor(
    readonly dir: string,
    private readonly store: UpdateFeedStore,
  ) {}

  path(sha512: string): string {
    return join(this.dir, blobFileName(sha512));
  }

  /** Keeps a checked local file in the store and here (it is moved). */
  async keep(file: string, sha512: string, bytes: number): Promise<void> {
    await this.store.putUpdateBlob(sha512, bytes, fileChunks(file));
    await mkdir(this.dir, { recursive: true });
    await rename(file, this.path(sha512));
  }

  /** The local copy of a blob, fetched from the store when missing; null when the store lacks it. */
  async local(sha512: string, bytes: number): Promise<string | null> {
    const path = this.path(sha512);
    const s = await stat(path).catch(() => null);
    if (s?.isFile() && s.size === bytes) return path;
    if (!(await this.store.hasUpdateBlob(sha512))) return null;
    await mkdir(this.dir, { recursive: true });
    const temp = `${path}.${randomUUID()}.tmp`;
    const hash = createHash('sha512');
    try {
      await pipeline(
        Readable.from(this.store.readUpdateBlob(sha512)),
        async function* (chunks: AsyncIterable<Buffer>) {
          for await (const chunk of chunks) {
            hash.update(chunk);
            yield chunk;
          }
        },
        createWriteStream(temp),
      );
      if (hash.digest('base64') !== sha512)
        throw new Error(
          `update blob ${blobFileName(sha512).slice(0, 12)}… is damaged in the store`,
        );
      await rename(temp, path);
      return path;
    } finally {
      await rm(temp, { force: true });
    }
  }
}
