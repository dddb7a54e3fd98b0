// The sync hub: who may push and pull what, the server's order, idempotent ingest.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { EVENT_SCHEMA_VERSION } from '../core/events/define';
import { eventDef } from '../core/events/emit';
import { sniffMime } from '../core/files/sniff';
import { HybridClock } from '../core/hlc';
import { MAX_FILE_BYTES } from '../core/sync/protocol';
import type {
  DeviceHealth,
  EnrollResponse,
  PullResponse,
  PushResponse,
  WireEvent,
} from '../core/sync/protocol';
import { scopeOf } from '../core/sync/scope';
import type { RefusalCode } from '../core/errors';
import { judge, UserRecord } from './authority';
import { HttpError } from './errors';
import type { DeviceRecord, EventStore, IngestItem, LogEpoch, PullPage } from './store/types';

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** Codes people type: no 0/O or 1/I, grouped for reading aloud. */
export function newEnrollmentCode(): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const bytes = randomBytes(12);
  const chars = [...bytes].map((b) => alphabet[b % alphabet.length]).join('');
  return `${chars.slice(0, 4)}-${chars.slice(4, 8)}-${chars.slice(8, 12)}`;
}
const normalizeCode = (code: string) => code.toUpperCase().replace(/[^A-Z0-9]/g, '');

export type ServedPage = PullPage & { serverTime: number; epoch: LogEpoch };

/**
 * A pull page as the JSON text of a PullResponse. Payloads are copied in as the log stored them
 * (JSON text written at ingest), never parsed and written again.
 */
export function pageJson(page: ServedPage): string {
  const events = page.events.map(
    ({ payloadJson, ...event }) =>
      `${JSON.stringify(event).slice(0, -1)},"payload":${payloadJson}}`,
  );
  return `{"events":[${events.join(',')}],"cursor":${page.cursor},"remaining":${page.remaining},"serverTime":${page.serverTime},"epoch":${JSON.stringify(page.epoch)}}`;
}

/** A pull page as the PullResponse a device reads, for readers in the server's own process. */
export function parsedPage(page: ServedPage): PullResponse {
  return {
    ...page,
    events: page.events.map(({ payloadJson, ...event }) => ({
      ...event,
      payload: JSON.parse(payloadJson) as unknown,
    })),
  };
}

/** No event payload of this app comes near this; a larger one is refused before it is stored. */
export const MAX_PAYLOAD_CHARS = 64 * 1024;

interface Refused {
  id: string;
  type: string;
  userId: string;
  code: RefusalCode;
  message: string;
}

export interface HubOptions {
  now?: () => number;
  nodeId?: string;
  log?: (entry: Record<string, unknown>) => void;
  enrollmentTtlMs?: number;
}

export class SyncHub {
  private readonly clock: HybridClock;
  private readonly now: () => number;
  private readonly log: (entry: Record<string, unknown>) => void;
  private readonly users: UserRecord;

  constructor(
    readonly store: EventStore,
    private readonly options: HubOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.clock = new HybridClock(options.nodeId ?? `server-${randomUUID().slice(0, 8)}`, this.now);
    this.log = options.log ?? ((e) => console.log(JSON.stringify(e)));
    this.users = new UserRecord(store);
  }

  private readonly ingested = new Set<() => void>();

  /** Told after each push that took events into the log (PCs waiting for news are woken). */
  onIngested(listener: () => void): () => void {
    this.ingested.add(listener);
    return () => this.ingested.delete(listener);
  }

  /** Whose events `device` pulls: its branch's, or every branch's (null) at head office. */
  async scopeOf(device: DeviceRecord): Promise<string | null> {
    const kind = await this.store.branchKind(device.branchId);
    return kind === 'head_office' ? null : device.branchId;
  }

  private epochRead: Promise<LogEpoch> | null = null;

  /** The log's epoch, read once: a new one begins only with the server stopped (a restore). */
  epoch(): Promise<LogEpoch> {
    this.epochRead ??= this.store.epoch().catch((error: unknown) => {
      this.epochRead = null;
      throw error;
    });
    return this.epochRead;
  }

  async authenticate(token: string | undefined): Promise<DeviceRecord> {
    if (!token)
      throw new HttpError(
        401,
        'UNAUTHENTICATED',
        'This device has no token. Enroll it with an enrollment code from the admin.',
      );
    const device = await this.store.deviceByTokenHash(hashToken(token));
    if (!device)
      throw new HttpError(
        401,
        'UNAUTHENTICATED',
        'This device is not known to head office. Enroll it again with a new code.',
      );
    if (device.revokedAt !== null)
      throw new HttpError(
        401,
        'DEVICE_REVOKED',
        'This device was revoked by the admin and may no longer sync. Ask the admin for a new enrollment code.',
      );
    return device;
  }

  async push(
    device: DeviceRecord,
    events: WireEvent[],
    info: { pending: number; appVersion: string; health?: DeviceHealth | undefined },
  ): Promise<PushResponse> {
    const parsedPayloads: { data: unknown; json: string }[] = [];
    events.forEach((e, i) => {
      if (e.branchId !== device.branchId || e.deviceId !== device.id) {
        this.log({
          level: 'warn',
          msg: 'push refused: event of another branch or device',
          device: device.id,
          branch: device.branchId,
          eventBranch: e.branchId,
          eventDevice: e.deviceId,
          eventId: e.id,
        });
        throw new HttpError(
          403,
          'FOREIGN_BRANCH',
          `events.${i}: a device may push only its own branch's events (this device belongs to branch ${device.branchId}).`,
        );
      }
      if (e.schemaVersion > EVENT_SCHEMA_VERSION)
        throw new HttpError(
          422,
          'SCHEMA_TOO_NEW',
          `events.${i}: written by a newer app (event schema ${e.schemaVersion}; this server knows up to ${EVENT_SCHEMA_VERSION}). Update the head-office server first; the app keeps its events and sends them again.`,
        );
      const def = eventDef(e.type);
      if (!def)
        throw new HttpError(
          400,
          'UNKNOWN_EVENT',
          `events.${i}.type: "${e.type}" is not an event this server knows.`,
        );
      const parsed = def.payload.safeParse(e.payload);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new HttpError(
          400,
          'VALIDATION',
          `events.${i}.payload.${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'is not valid'}`,
        );
      }
      const json = JSON.stringify(parsed.data);
      if (json.length > MAX_PAYLOAD_CHARS)
        throw new HttpError(
          413,
          'VALIDATION',
          `events.${i}.payload: larger than ${MAX_PAYLOAD_CHARS / 1024} KB; no event of this app is that large.`,
        );
      parsedPayloads.push({ data: parsed.data, json });
    });
    // Head office's own server processes act through the console, which checked the person;
    // a branch PC is judged event by event (sync-server/authority.ts).
    const trusted = device.tokenHash === null;
    const kind = trusted ? null : await this.store.branchKind(device.branchId);
    if (!trusted) await this.users.refresh();
    const ids = [...new Set(events.flatMap((e) => (e.aggregateId ? [e.aggregateId] : [])))];
    const known = await this.store.aggregateBranches(ids);
    const items: IngestItem[] = [];
    const refused: Refused[] = [];
    events.forEach((wire, i) => {
      const def = eventDef(wire.type);
      const parsed = parsedPayloads[i];
      if (!def || !parsed) return; // checked above
      this.clock.receive(wire.hlc);
      const receivedHlc = this.clock.now();
      const judged = trusted
        ? { payload: parsed.data, refusal: null }
        : judge(
            def,
            wire,
            parsed.data,
            device,
            kind,
            receivedHlc,
            this.users,
            (id) => known.get(id) ?? null,
          );
      if (judged.refusal) {
        refused.push({ id: wire.id, type: wire.type, userId: wire.userId, ...judged.refusal });
        return;
      }
      // Stored as parsed: fields the schema does not know are dropped, not sent on.
      const event = { ...wire, payload: judged.payload };
      const { scope, register } = scopeOf(event, (id) => known.get(id) ?? null);
      if (register && event.aggregateId) known.set(event.aggregateId, register);
      // The text made for the size check, unless head office decided part of the payload.
      const payloadJson =
        judged.payload === parsed.data ? parsed.json : JSON.stringify(event.payload);
      items.push({ event, scope, register, receivedHlc, payloadJson });
    });
    const acks = await this.store.ingest(items);
    if (items.length > 0) for (const listener of this.ingested) listener();
    // An event the log took in before (a retry after a lost answer) is acknowledged, whatever
    // head office would answer now.
    const logged = refused.length > 0 ? await this.store.acksFor(refused.map((r) => r.id)) : [];
    const loggedIds = new Set(logged.map((a) => a.id));
    const refusals = refused.filter((r) => !loggedIds.has(r.id));
    if (refusals.length > 0) await this.recordRefusals(device, refusals);
    for (const item of items) {
      const fact = eventDef(item.event.type)?.index?.(item.event.payload);
      if (fact?.branchKind)
        await this.store.setBranchKind(fact.branchKind.id, fact.branchKind.kind);
    }
    await this.store.touchDevice(device.id, {
      at: this.now(),
      appVersion: info.appVersion,
      pending: info.pending,
      ...info.health,
    });
    return {
      acks: [...acks, ...logged],
      refused: refusals.map(({ id, code, message }) => ({ id, code, message })),
      serverTime: this.now(),
      epoch: await this.epoch(),
    };
  }

  private async recordRefusals(device: DeviceRecord, refused: Refused[]): Promise<void> {
    const at = this.now();
    for (const r of refused)
      this.log({
        level: 'warn',
        msg: 'event refused',
        code: r.code,
        device: device.id,
        branch: device.branchId,
        eventId: r.id,
        type: r.type,
        user: r.userId,
        reason: r.message,
      });
    await this.store.recordRefusals(
      refused.map((r) => ({
        eventId: r.id,
        type: r.type,
        deviceId: device.id,
        branchId: device.branchId,
        userId: r.userId,
        code: r.code,
        message: r.message,
        at,
      })),
    );
  }

  /** A page of what the device may see; see pageJson and parsedPage for how it is handed on. */
  async pull(device: DeviceRecord, after: number, limit: number): Promise<ServedPage> {
    const page = await this.store.pull(await this.scopeOf(device), after, limit);
    await this.store.touchDevice(device.id, { at: this.now(), cursor: page.cursor });
    return { ...page, serverTime: this.now(), epoch: await this.epoch() };
  }

  async createEnrollment(
    branchId: string,
    issuedBy: string,
  ): Promise<{ code: string; expiresAt: number }> {
    if (!(await this.store.branchKind(branchId)))
      throw new HttpError(404, 'NOT_FOUND', 'branchId: no such branch at head office.');
    const code = newEnrollmentCode();
    const expiresAt = this.now() + (this.options.enrollmentTtlMs ?? 7 * 24 * 3600_000);
    await this.store.createEnrollment({
      codeHash: hashToken(normalizeCode(code)),
      branchId,
      issuedBy,
      expiresAt,
    });
    return { code, expiresAt };
  }

  async enroll(
    code: string,
    deviceName: string,
    appVersion: string,
  ): Promise<EnrollResponse & { issuedBy: string }> {
    const taken = await this.store.takeEnrollment(hashToken(normalizeCode(code)), this.now());
    if (!taken)
      throw new HttpError(
        403,
        'ENROLLMENT_REFUSED',
        'That enrollment code is wrong, used already or expired. Ask the admin for a new one.',
      );
    const token = randomBytes(32).toString('base64url');
    const device = await this.store.createDevice({
      id: randomUUID(),
      branchId: taken.branchId,
      name: deviceName,
      tokenHash: hashToken(token),
      enrolledAt: this.now(),
    });
    await this.store.touchDevice(device.id, { at: this.now(), appVersion });
    this.log({
      level: 'info',
      msg: 'device enrolled',
      device: device.id,
      branch: device.branchId,
      name: deviceName,
    });
    return {
      deviceId: device.id,
      deviceNumber: device.number,
      branchId: device.branchId,
      token,
      serverTime: this.now(),
      issuedBy: taken.issuedBy,
    };
  }

  async revoke(deviceId: string): Promise<void> {
    // A server process's own replica has no token: revoked, head office could no longer record
    // what its console does.
    const device = await this.store.device(deviceId);
    if (device && device.revokedAt === null && device.tokenHash === null)
      throw new HttpError(
        409,
        'INVALID_STATE',
        'This is head office’s own server, not an enrolled PC: it cannot be revoked.',
      );
    if (!(await this.store.revokeDevice(deviceId, this.now())))
      throw new HttpError(404, 'NOT_FOUND', 'No such device, or it is revoked already.');
    this.log({ level: 'info', msg: 'device revoked', device: deviceId });
  }

  async putFile(hash: string, bytes: Buffer): Promise<void> {
    if (bytes.length > MAX_FILE_BYTES)
      throw new HttpError(
        413,
        'TOO_LARGE',
        `A file may be at most ${MAX_FILE_BYTES / 1048576} MB.`,
      );
    if (sha256(bytes) !== hash)
      throw new HttpError(
        400,
        'HASH_MISMATCH',
        'The file does not match its hash (the upload was cut short?). Send it again.',
      );
    if (!sniffMime(bytes))
      throw new HttpError(415, 'FILE_REJECTED', 'Only JPEG, PNG and PDF files are kept.');
    await this.store.putFile(hash, bytes);
  }
}
