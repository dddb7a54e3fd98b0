import { statfs } from 'node:fs/promises';

/** Free bytes an unprivileged user may use on the disk holding `path`; null if it cannot be read. */
export async function freeDiskBytes(path: string): Promise<number | null> {
  try {
    const s = await statfs(path);
    return Number(s.bavail) * Number(s.bsize);
  } catch {
    return null;
  }
}
