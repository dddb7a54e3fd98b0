import type { Role } from '../vocabulary';
import type { DomainError } from '../errors';
import type { Db } from '../db/open';
import type { FileStore } from '../files/store';
import type { HybridClock } from '../hlc';
import type { HostServices } from './host-services';
import type { SessionStore } from '../auth/session-store';

export type { HostServices } from './host-services';

export interface Actor {
  userId: string;
  username: string;
  displayName: string;
  role: Role;
  branchId: string;
}

export interface DeviceIdentity {
  id: string;
  branchId: string;
  number: number;
}

/** Everything a handler may use. Transports build it; handlers never reach for globals. */
export interface Context {
  db: Db;
  files: FileStore;
  clock: HybridClock;
  now: () => number;
  /** Null until the PC is set up or enrolled. */
  device: DeviceIdentity | null;
  /** Null before login. */
  actor: Actor | null;
  /** Where this host keeps sign-ins and lockout counts (a branch's database, head office's store). */
  sessions: SessionStore;
  /** The raw session token the caller presented, when any (for logout). */
  sessionToken?: string;
  /**
   * Where the call came from when it came over the network: at head office, the client's address
   * as its rate limits key it (one IPv4 address, one IPv6 /64). Absent on a PC, where whoever
   * calls is at the PC. Wrong passwords are counted per place (core/auth/sessions.ts).
   */
  origin?: string;
  /** Why the presented token did not sign anyone in (expired, signed out), for non-public calls. */
  authError?: DomainError;
  /** What the host offers beyond the database: a sync connection, head-office device management. */
  services?: HostServices;
}
