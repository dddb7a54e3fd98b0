// The last update this PC refused, kept in its data folder for the admin: the main process
// (which runs the updater) writes it, and the PC's health report, made in the core's process,
// can read it from there. Cleared once an update is verified again.
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { updateRefusal, type UpdateRefusal } from '../../core/sync/protocol';

export const REFUSAL_FILE = 'update-refused.json';

/** The same record the PC's health report carries to head office. */
export const updateRefusalRecord = updateRefusal;
export type UpdateRefusalRecord = UpdateRefusal;

export function recordUpdateRefusal(dataDir: string, record: UpdateRefusalRecord): void {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, REFUSAL_FILE);
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(updateRefusalRecord.parse(record))}\n`);
  renameSync(temp, file);
}

export function clearUpdateRefusal(dataDir: string): void {
  rmSync(join(dataDir, REFUSAL_FILE), { force: true });
}

/** The last refusal, or null (none, or a file this app cannot read). */
export function lastUpdateRefusal(dataDir: string): UpdateRefusalRecord | null {
  try {
    return updateRefusalRecord.parse(JSON.parse(readFileSync(join(dataDir, REFUSAL_FILE), 'utf8')));
  } catch {
    return null;
  }
}
