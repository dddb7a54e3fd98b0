// The admin's branch view of backups: every PC listed with its newest backup or "never", the
// branch's worst case never hiding a PC that has none, and warnings past a day.
import { describe, expect, it } from 'vitest';
import { ageText, branchHealth, serverHealth, STALE_BACKUP_MS } from './health-summary';

const HOUR = 3_600_000;
const now = Date.UTC(2026, 11, 3, 9, 0, 0);
const pc = (n: number, lastBackupAt: number | null, freeDiskBytes: number | null = 1e9) => ({
  id: `pc-${n}`,
  name: 'Till',
  number: n,
  lastBackupAt,
  freeDiskBytes,
});

describe('a branch’s backup health', () => {
  it('lists every PC; one that never backed up makes the branch "never", not the newest of the rest', () => {
    const { health, backups } = branchHealth([pc(1, now - 3 * HOUR), pc(2, null, 5e8)], now);
    expect(backups).toEqual([
      {
        deviceId: 'pc-1',
        name: 'Till',
        number: 1,
        lastBackupAt: now - 3 * HOUR,
        backupAgeMs: 3 * HOUR,
        backup: 'ok',
      },
      {
        deviceId: 'pc-2',
        name: 'Till',
        number: 2,
        lastBackupAt: null,
        backupAgeMs: null,
        backup: 'never',
      },
    ]);
    expect(health).toEqual({
      lastBackupAt: null,
      backupAgeMs: null,
      freeDiskBytes: 5e8,
      backupWarning:
        'Till #2 has never backed up. Check that that PC is on and syncing, and back up from the Backups screen there.',
    });
  });

  it('takes the oldest of its PCs’ newest backups, and warns once one is more than a day old', () => {
    const atLimit = branchHealth([pc(1, now - STALE_BACKUP_MS), pc(2, now - HOUR)], now);
    expect(atLimit.health).toMatchObject({
      lastBackupAt: now - STALE_BACKUP_MS,
      backupWarning: null,
    });
    expect(atLimit.backups.map((b) => b.backup)).toEqual(['ok', 'ok']);

    const stale = branchHealth(
      [pc(1, now - STALE_BACKUP_MS - 1), pc(2, now - 3 * 24 * HOUR), pc(3, null), pc(4, null)],
      now,
    );
    expect(stale.backups.map((b) => b.backup)).toEqual(['stale', 'stale', 'never', 'never']);
    expect(stale.health.backupWarning).toBe(
      "2 PCs have never backed up: Till #3, Till #4; Till #1's newest backup is 24 hours old; " +
        "Till #2's newest backup is 3 days old. Check that those PCs are on and syncing, and back up from the Backups screen there.",
    );
  });

  it('a branch without PCs has nothing to warn about', () => {
    expect(branchHealth([], now)).toEqual({
      backups: [],
      health: { lastBackupAt: null, backupAgeMs: null, freeDiskBytes: null, backupWarning: null },
    });
  });

  it("head office's own replica is backed up with the server: the server's backup stands in", () => {
    const replica = {
      id: 'hq',
      name: 'Head-office server',
      number: 1,
      lastBackupAt: null,
      freeDiskBytes: null,
    };
    const { backups, health } = branchHealth([replica], now, {
      deviceId: 'hq',
      lastBackupAt: now - 2 * HOUR,
    });
    expect(backups[0]).toMatchObject({ lastBackupAt: now - 2 * HOUR, backup: 'ok' });
    expect(health.backupWarning).toBeNull();
    // Without one yet, it is "never", and the server's own warning says so (not twice).
    const none = branchHealth([replica], now, { deviceId: 'hq', lastBackupAt: null });
    expect(none.backups[0]?.backup).toBe('never');
    expect(none.health).toMatchObject({ lastBackupAt: null, backupWarning: null });
  });
});

describe("head office's own backup health", () => {
  it('warns when it never made a complete backup, or its newest is more than a day old', () => {
    expect(serverHealth({ lastBackupAt: now - HOUR, freeDiskBytes: 7 }, now)).toEqual({
      lastBackupAt: now - HOUR,
      backupAgeMs: HOUR,
      freeDiskBytes: 7,
      backupWarning: null,
    });
    expect(serverHealth({ lastBackupAt: null, freeDiskBytes: 7 }, now).backupWarning).toMatch(
      /^Head office has never made a complete backup/,
    );
    expect(
      serverHealth({ lastBackupAt: now - 50 * HOUR, freeDiskBytes: 7 }, now).backupWarning,
    ).toBe("Head office's newest complete backup is 2 days old: see the server log.");
    expect([ageText(25 * HOUR), ageText(47 * HOUR), ageText(49 * HOUR)]).toEqual([
      '25 hours',
      '47 hours',
      '2 days',
    ]);
  });
});
