// The sync transport over HTTP(S), with fetch. Every answer is parsed with the protocol's schemas.
// Over https it holds head office to the certificate it presented when this PC enrolled.
import { X509Certificate, type KeyObject } from 'node:crypto';
import { isIP } from 'node:net';
import { connect as connectTls, TLSSocket } from 'node:tls';
import { Agent, buildConnector, fetch as undiciFetch } from 'undici';
import { z } from 'zod';
import { DomainError, isSerializedCode, type SerializedCode } from '../errors';
import { EVENT_SCHEMA_VERSION } from '../events/define';
import {
  enrollResponse,
  pullResponse,
  pushResponse,
  MAX_WAIT_SECONDS,
  waitResponse,
  type EnrollResponse,
  type enrollRequest,
  type PullResponse,
  type PushRequest,
  type PushResponse,
} from './protocol';
import { acceptPresented, NEXT_CERTIFICATE_HEADER, verifyAnnouncement, type Pins } from './pins';
import type { ReaderSpec } from './page-reader';
import { SyncUnavailable, type EnrollTransport, type SyncTransport } from './transport';

export interface HttpTransportOptions {
  baseUrl: string;
  token?: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
  /**
   * For https: the SHA-256 fingerprint of head office's certificate, pinned at enrollment. Every
   * connection must present exactly that certificate; CA and host-name checks are skipped in
   * its favour, since head office's certificate is usually self-signed.
   */
  pin?: string | null;
  /**
   * The next certificate head office announced (docs/decisions/0014): accepted beside `pin`
   * until the server presents it, then alone.
   */
  nextPin?: string | null;
  /** Told whenever the pins change (an announcement seen, or the switch), to keep them. */
  onPinsChange?: (pins: Pins) => void;
}

interface RequestOptions {
  body?: string | Uint8Array<ArrayBuffer>;
  contentType?: string;
  /** A person's sign-in at head office, sent instead of this device's token (null: none). */
  person?: string | null;
  /** Calls the request off from this side: it is not tried again. */
  signal?: AbortSignal;
  /** Instead of the transport's own timeout (a wait is held open by design). */
  timeoutMs?: number;
}

/** What the transport reads of an answer; the runtime's fetch and undici's both give it. */
type Answer = Pick<Response, 'ok' | 'status' | 'text' | 'json' | 'arrayBuffer' | 'headers'>;

/** `AB:CD:…` (64 hex digits, as Node and browsers print it) from what a person typed or pasted. */
export function normalizeFingerprint(text: string): string {
  const hex = text.replace(/[\s:-]/g, '').toUpperCase();
  if (!/^[0-9A-F]{64}$/.test(hex))
    throw new DomainError(
      'VALIDATION',
      'fingerprint: give the 64 hexadecimal digits of the SHA-256 fingerprint (colons between pairs are fine).',
      { field: 'fingerprint' },
    );
  return hex.replace(/(..)(?!$)/g, '$1:');
}

class CertificateChanged extends Error {
  constructor(readonly presented: string | null) {
    super('the server presented a certificate other than the pinned one');
  }
}

/**
 * Connections that reach the request only after the peer's certificate was accepted: `accept`
 * gets its fingerprint and public key, and says yes or no before a byte is sent.
 */
function pinnedAgent(accept: (presented: string | null, key: KeyObject | null) => boolean): Agent {
  const connect = buildConnector({ rejectUnauthorized: false, maxCachedSessions: 0 });
  return new Agent({
    connect: (options, callback) =>
      connect(options, (error, socket) => {
        if (error) return callback(error, null);
        const peer = socket instanceof TLSSocket ? socket.getPeerCertificate() : undefined;
        const presented = peer?.fingerprint256 ?? null;
        let key: KeyObject | null = null;
        try {
          key = peer?.raw ? new X509Certificate(peer.raw).publicKey : null;
        } catch {
          key = null;
        }
        if (accept(presented, key)) return callback(null, socket);
        socket.destroy();
        callback(new CertificateChanged(presented), null);
      }),
  });
}

function changedCertificate(error: unknown): CertificateChanged | null {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++)
    if (e instanceof CertificateChanged) return e;
  return null;
}

/**
 * The fingerprint of the certificate an https server presents, read without trusting it (trust
 * on first use, at enrollment); null for an http address.
 */
export async function readServerFingerprint(
  baseUrl: string,
  timeoutMs = 15_000,
): Promise<string | null> {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new DomainError('VALIDATION', `serverUrl: "${baseUrl}" is not a web address.`, {
      field: 'serverUrl',
    });
  }
  if (url.protocol === 'http:') return null;
  if (url.protocol !== 'https:')
    throw new DomainError('VALIDATION', 'serverUrl: the address starts with https://.', {
      field: 'serverUrl',
    });
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return new Promise((ok, fail) => {
    const socket = connectTls({
      host,
      port: Number(url.port || 443),
      rejectUnauthorized: false,
      ...(!isIP(host) && { servername: host }),
    });
    socket.setTimeout(timeoutMs, () =>
      socket.destroy(new Error(`no answer within ${Math.round(timeoutMs / 1000)} s`)),
    );
    socket.on('error', (e) =>
      fail(
        new SyncUnavailable(
          `The head-office server at ${baseUrl} could not be reached (${e.message}).`,
        ),
      ),
    );
    socket.once('secureConnect', () => {
      const fingerprint = socket.getPeerCertificate().fingerprint256;
      socket.destroy();
      if (fingerprint) ok(fingerprint);
      else fail(new SyncUnavailable(`The server at ${baseUrl} presented no certificate.`));
    });
  });
}

export class HttpSyncTransport implements SyncTransport, EnrollTransport {
  private readonly base: string;
  private readonly doFetch: typeof fetch;
  private pin: string | null;
  private nextPin: string | null;
  /** Public keys of the certificates connections presented, to check announcements with. */
  private readonly keys = new Map<string, KeyObject>();
  private agent: Agent | null = null;

  constructor(private readonly options: HttpTransportOptions) {
    this.base = options.baseUrl.replace(/\/+$/, '');
    this.doFetch = options.fetch ?? fetch;
    this.pin = options.pin ? normalizeFingerprint(options.pin) : null;
    this.nextPin = this.pin && options.nextPin ? normalizeFingerprint(options.nextPin) : null;
  }

  /** The certificate fingerprint this transport holds head office to; null when not pinned. */
  get pinned(): string | null {
    return this.pin;
  }

  /** The announced next certificate, accepted beside the pinned one until the switch. */
  get announced(): string | null {
    return this.nextPin;
  }

  private setPins(pins: Pins): void {
    if (pins.current === this.pin && pins.next === this.nextPin) return;
    this.pin = pins.current;
    this.nextPin = pins.next;
    this.options.onPinsChange?.(pins);
  }

  /** At connect: the pinned certificate, or the announced one (which then becomes the pin). */
  private accept(presented: string | null, key: KeyObject | null): boolean {
    if (!this.pin) return false;
    const pins = acceptPresented({ current: this.pin, next: this.nextPin }, presented);
    if (!pins || !key) return false;
    this.keys.set(pins.current, key);
    this.setPins(pins);
    return true;
  }

  /**
   * Every successful answer over a pinned connection says which certificate comes next, signed
   * with the key of the current one; no header means none is announced (withdrawn).
   */
  private readAnnouncement(response: Answer): void {
    const current = this.pin;
    const key = current ? this.keys.get(current) : undefined;
    if (!current || !key || typeof response.headers?.get !== 'function') return;
    const header = response.headers.get(NEXT_CERTIFICATE_HEADER);
    const next = header === null ? null : verifyAnnouncement(header, current, key);
    // A header that does not verify changes nothing: only head office's own key can announce.
    if (header !== null && next === null) return;
    this.setPins({ current, next });
  }

  /**
   * Trust on first use, for enrollment: reads the certificate an https server presents now,
   * checks it against the fingerprint the admin read out (when given), and from then on talks
   * only to that certificate. Null over http, where there is nothing to pin.
   */
  async pinServer(expected?: string | null): Promise<string | null> {
    const wanted = expected ? normalizeFingerprint(expected) : null;
    const presented = await readServerFingerprint(this.base, this.options.timeoutMs);
    if (!presented) {
      if (wanted)
        throw new DomainError(
          'VALIDATION',
          'serverUrl: a certificate fingerprint was given, but the address starts with http://. Use the https:// address the admin gave.',
          { field: 'serverUrl' },
        );
      return null;
    }
    if (wanted && presented !== wanted)
      throw new SyncUnavailable(
        `The server at ${this.base} presented the certificate ${presented}, not ${wanted} as the admin said. Nothing was sent to it: check the address with the admin before enrolling.`,
        undefined,
        'CERTIFICATE_MISMATCH',
      );
    this.pin = presented;
    this.nextPin = null;
    this.agent = null;
    return presented;
  }

  private refuseChangedCertificate(error: unknown): void {
    const changed = changedCertificate(error);
    if (changed)
      throw new SyncUnavailable(
        `The head-office server presented a different certificate than when this PC enrolled (enrolled with SHA-256 ${this.pin ?? '?'}, now ${changed.presented ?? 'none'}), and head office never announced it. Nothing was sent to it. Someone may be intercepting the connection: ask the admin; if the server's certificate was replaced on purpose, enter the re-pin code the admin makes for this PC on the head-office console (Sync & devices).`,
        undefined,
        'CERTIFICATE_CHANGED',
      );
  }

  private async request(
    method: string,
    path: string,
    options: RequestOptions = {},
  ): Promise<Answer> {
    const { body, contentType = 'application/json', person, signal } = options;
    if (this.pin && !this.base.startsWith('https://'))
      throw new SyncUnavailable(
        `This PC enrolled with head office over https, but the server address is now ${this.base}. Nothing was sent: re-enroll this PC with the https:// address.`,
        undefined,
        'CERTIFICATE_CHANGED',
      );
    const send = (): Promise<Answer> => {
      const url = `${this.base}${path}`;
      const init = {
        method,
        headers: {
          ...(body !== undefined && { 'content-type': contentType }),
          ...(person !== undefined
            ? person !== null && { authorization: `Bearer ${person}` }
            : this.options.token && { authorization: `Bearer ${this.options.token}` }),
          'x-schema-version': String(EVENT_SCHEMA_VERSION),
        },
        ...(body !== undefined && { body }),
        signal: AbortSignal.any([
          AbortSignal.timeout(options.timeoutMs ?? this.options.timeoutMs ?? 60_000),
          ...(signal ? [signal] : []),
        ]),
      };
      if (!this.pin) return this.doFetch(url, init);
      // undici's own fetch: a dispatcher works only with the fetch of the same undici, and the
      // runtime's built-in one differs between Node and Electron.
      this.agent ??= pinnedAgent((presented, key) => this.accept(presented, key));
      return undiciFetch(url, { ...init, dispatcher: this.agent });
    };
    let response: Answer;
    try {
      response = await send();
    } catch (first) {
      this.refuseChangedCertificate(first);
      // Called off by this PC (a wait cut short): nothing to try again.
      if (signal?.aborted) throw first;
      // A kept-alive connection the server closed fails at once; every request here is safe to
      // repeat (push is idempotent), so one fresh try tells a dropped socket from an outage.
      try {
        response = await send();
      } catch (second) {
        this.refuseChangedCertificate(second);
        throw new SyncUnavailable(
          `The head-office server at ${this.base} could not be reached (${first instanceof Error ? first.message : String(first)}). Work goes on offline; it will sync when the connection is back.`,
        );
      }
    }
    if (!response.ok) {
      const text = await response.text();
      let message = text;
      let code: SerializedCode | undefined;
      try {
        const parsed = JSON.parse(text) as {
          message?: unknown;
          code?: unknown;
          error?: { message?: unknown; code?: unknown };
        };
        // The contract's answers carry the error inside; the sync routes' at the top.
        const error = parsed.error ?? parsed;
        if (typeof error.message === 'string') message = error.message;
        if (isSerializedCode(error.code)) code = error.code;
      } catch {
        // not JSON: keep the text
      }
      throw new SyncUnavailable(
        `Head office answered ${response.status}: ${message}`,
        response.status,
        code,
      );
    }
    if (this.pin) this.readAnnouncement(response);
    return response;
  }

  private async json<S extends z.ZodType>(schema: S, response: Answer): Promise<z.output<S>> {
    const parsed = schema.safeParse(await response.json());
    if (!parsed.success)
      throw new SyncUnavailable(
        `Head office sent an answer this app does not understand: ${parsed.error.message}`,
      );
    return parsed.data;
  }

  /**
   * Calls an operation of head office's own contract as a person signed in there (`person`: the
   * sign-in token head office gave; none for a public operation such as auth.login), never as
   * this device: what a device token cannot prove, the person's own sign-in at head office does.
   */
  async callOperation(name: string, input: unknown, person?: string): Promise<unknown> {
    const response = await this.request('POST', `/api/${encodeURIComponent(name)}`, {
      body: JSON.stringify(input),
      person: person ?? null,
    });
    const answer = z
      .object({ ok: z.literal(true), result: z.unknown() })
      .safeParse(await response.json());
    if (!answer.success)
      throw new SyncUnavailable(`Head office sent an answer this app does not understand.`);
    return answer.data.result;
  }

  async enroll(request: z.input<typeof enrollRequest>): Promise<EnrollResponse> {
    return this.json(
      enrollResponse,
      await this.request('POST', '/sync/enroll', { body: JSON.stringify(request) }),
    );
  }

  async push(request: PushRequest): Promise<PushResponse> {
    return this.json(
      pushResponse,
      await this.request('POST', '/sync/push', { body: JSON.stringify(request) }),
    );
  }

  /** A worker's transport pulls as this one: same server, token and pins; not with a fetch of
   * the caller's own, which stays on this thread. */
  readAhead(): ReaderSpec | null {
    if (this.options.fetch || !this.options.token) return null;
    return {
      baseUrl: this.base,
      token: this.options.token,
      pin: this.pin,
      nextPin: this.nextPin,
      ...(this.options.timeoutMs !== undefined && { timeoutMs: this.options.timeoutMs }),
    };
  }

  async pull(after: number, limit: number): Promise<PullResponse> {
    return this.json(
      pullResponse,
      await this.request('GET', `/sync/pull?after=${after}&limit=${limit}`),
    );
  }

  /**
   * Waits until head office has something for this PC after `after` (GET /sync/wait, decision
   * 0018): 'news' then, 'nothing' when the wait ran out, 'unsupported' from a head office older
   * than waiting. `signal` calls it off (the PC has its own reason to sync now, or stops).
   */
  async waitForNews(
    after: number,
    options: { epoch?: string | null; seconds?: number; signal?: AbortSignal } = {},
  ): Promise<'news' | 'nothing' | 'unsupported'> {
    const seconds = options.seconds ?? MAX_WAIT_SECONDS;
    const query = new URLSearchParams({ after: String(after), seconds: String(seconds) });
    if (options.epoch) query.set('epoch', options.epoch);
    let response: Answer;
    try {
      response = await this.request('GET', `/sync/wait?${query.toString()}`, {
        // Head office answers by `seconds`; the margin covers a slow network, not a lost answer.
        timeoutMs: seconds * 1000 + 15_000,
        ...(options.signal && { signal: options.signal }),
      });
    } catch (error) {
      if (error instanceof SyncUnavailable && error.status === 404 && error.code === 'NOT_FOUND')
        return 'unsupported';
      throw error;
    }
    return (await this.json(waitResponse, response)).news ? 'news' : 'nothing';
  }

  async hasFile(hash: string): Promise<boolean> {
    try {
      await this.request('HEAD', `/sync/files/${hash}`);
      return true;
    } catch (error) {
      if (error instanceof SyncUnavailable && error.status === 404) return false;
      throw error;
    }
  }

  async putFile(hash: string, bytes: Buffer): Promise<void> {
    await this.request('PUT', `/sync/files/${hash}`, {
      body: new Uint8Array(bytes),
      contentType: 'application/octet-stream',
    });
  }

  async getFile(hash: string): Promise<Buffer> {
    return Buffer.from(await (await this.request('GET', `/sync/files/${hash}`)).arrayBuffer());
  }
}
