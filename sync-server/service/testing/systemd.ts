// Reading and verifying systemd units in tests: the one npm run server:install writes and the one
// the server package ships.
import { spawnSync } from 'node:child_process';

/** `[Section]` → key → values (a key may repeat). */
export function parseUnit(text: string): Record<string, Record<string, string[]>> {
  const sections: Record<string, Record<string, string[]>> = {};
  let current: Record<string, string[]> = {};
  for (const line of text.split('\n')) {
    const section = /^\[(\w+)\]$/.exec(line.trim());
    if (section?.[1]) current = sections[section[1]] = {};
    const entry = /^(\w+)=(.*)$/.exec(line.trim());
    if (entry?.[1]) (current[entry[1]] ??= []).push(entry[2] ?? '');
  }
  return sections;
}

/** `systemd-analyze verify`: its exit status and what it says about our unit. */
export function systemdAnalyze(file: string) {
  const r = spawnSync('systemd-analyze', ['verify', file], { encoding: 'utf8' });
  if (r.error)
    throw new Error(
      `systemd-analyze could not run (${r.error.message}). Install systemd (bash .ci/setup does): the unit must be verified, not skipped.`,
    );
  const about = r.stderr.split('\n').filter((l) => l.includes('factory-shop-sync'));
  return { status: r.status, about };
}
