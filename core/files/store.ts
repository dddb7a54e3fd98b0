// Content-addressed file storage: a file's name is the sha256 of its bytes, so storing the
// same slip twice, or retrying an interrupted write, is harmless. Written to a temporary
// name, flushed, then renamed, so a power cut leaves either the whole file or none.
import { createHash, randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { DomainError } from '../errors';

export const sha256 = (bytes: Uint8Array): string =>
  createHash('sha256').update(bytes).digest('hex');

export class FileStore {
  constructor(readonly root: string) {}

  pathOf(hash: string): string {
    if (!/^[0-9a-f]{64}$/.test(hash))
      throw new DomainError('VALIDATION', 'hash: not a sha256 hex digest', { field: 'hash' });
    return join(this.root, hash.slice(0, 2), hash);
  }

  has(hash: string): boolean {
    return existsSync(this.pathOf(hash));
  }

  put(bytes: Uint8Array): string {
    const hash = sha256(bytes);
    const target = this.pathOf(hash);
    // A damaged copy is written over, so fetching the file again (as get() advises) heals it.
    if (existsSync(target) && sha256(readFileSync(target)) === hash) return hash;
    mkdirSync(join(this.root, hash.slice(0, 2)), { recursive: true });
    const tmp = `${target}.${randomBytes(6).toString('hex')}.part`;
    const fd = openSync(tmp, 'w');
    try {
      writeSync(fd, bytes);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, target);
    return hash;
  }

  get(hash: string): Buffer {
    const path = this.pathOf(hash);
    if (!existsSync(path))
      throw new DomainError(
        'NOT_FOUND',
        `The file ${hash.slice(0, 12)}… is not on this PC yet. Sync, then try again.`,
        { hash },
      );
    const bytes = readFileSync(path);
    if (sha256(bytes) !== hash)
      throw new DomainError(
        'FILE_REJECTED',
        `The stored file ${hash.slice(0, 12)}… is damaged. Sync again to fetch a good copy.`,
        { hash },
      );
    return bytes;
  }
}
