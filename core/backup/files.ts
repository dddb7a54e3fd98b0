// File steps every backup shares: flushing to disk, and the sha256 a manifest records.
import { createHash } from 'node:crypto';
import { closeSync, createReadStream, fsyncSync, openSync } from 'node:fs';

/** Flushes a file, or a folder's entry list, to disk. Folders cannot be opened on Windows. */
export function fsyncPath(path: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    fsyncSync(fd);
  } catch (error) {
    const code = error instanceof Error && 'code' in error ? error.code : undefined;
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EACCES') throw error;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** The file's sha256 (hex), read as a stream: a backup can be larger than memory allows. */
export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 }))
    hash.update(chunk instanceof Buffer ? chunk : Buffer.from(String(chunk)));
  return hash.digest('hex');
}
