// The sync transport over HTTP(S), with fetch. Every answer is parsed with the protocol's schemas.
import type { z } from 'zod';
import { EVENT_SCHEMA_VERSION } from '../events/define';
import {
  enrollResponse,
  pullResponse,
  pushResponse,
  type EnrollResponse,
  type enrollRequest,
  type PullResponse,
  type PushRequest,
  type PushResponse,
} from './protocol';
import { SyncUnavailable, type EnrollTransport, type SyncTransport } from './transport';

export interface HttpTransportOptions {
  baseUrl: string;
  token?: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export class HttpSyncTransport implements SyncTransport, EnrollTransport {
  private readonly base: string;
  private readonly doFetch: typeof fetch;

  constructor(private readonly options: HttpTransportOptions) {
    this.base = options.baseUrl.replace(/\/+$/, '');
    this.doFetch = options.fetch ?? fetch;
  }

  private async request(
    method: string,
    path: string,
    body?: string | Uint8Array,
    contentType = 'application/json',
  ): Promise<Response> {
    const send = () =>
      this.doFetch(`${this.base}${path}`, {
        method,
        headers: {
          ...(body !== undefined && { 'content-type': contentType }),
          ...(this.options.token && { authorization: `Bearer ${this.options.token}` }),
          'x-schema-version': String(EVENT_SCHEMA_VERSION),
        },
        ...(body !== undefined && { body }),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 60_000),
      });
    let response: Response;
    try {
      response = await send();
    } catch (first) {
      // A kept-alive connection the server closed fails at once; every request here is safe to
      // repeat (push is idempotent), so one fresh try tells a dropped socket from an outage.
      try {
        response = await send();
      } catch {
        throw new SyncUnavailable(
          `The head-office server at ${this.base} could not be reached (${first instanceof Error ? first.message : String(first)}). Work goes on offline; it will sync when the connection is back.`,
        );
      }
    }
    if (!response.ok) {
      const text = await response.text();
      let message = text;
      let code: string | undefined;
      try {
        const parsed = JSON.parse(text) as { message?: unknown; code?: unknown };
        if (typeof parsed.message === 'string') message = parsed.message;
        if (typeof parsed.code === 'string') code = parsed.code;
      } catch {
        // not JSON: keep the text
      }
      throw new SyncUnavailable(
        `Head office answered ${response.status}: ${message}`,
        response.status,
        code,
      );
    }
    return response;
  }

  private async json<S extends z.ZodType>(schema: S, response: Response): Promise<z.output<S>> {
    const parsed = schema.safeParse(await response.json());
    if (!parsed.success)
      throw new SyncUnavailable(
        `Head office sent an answer this app does not understand: ${parsed.error.message}`,
      );
    return parsed.data;
  }

  async enroll(request: z.input<typeof enrollRequest>): Promise<EnrollResponse> {
    return this.json(
      enrollResponse,
      await this.request('POST', '/sync/enroll', JSON.stringify(request)),
    );
  }

  async push(request: PushRequest): Promise<PushResponse> {
    return this.json(
      pushResponse,
      await this.request('POST', '/sync/push', JSON.stringify(request)),
    );
  }

  async pull(after: number, limit: number): Promise<PullResponse> {
    return this.json(
      pullResponse,
      await this.request('GET', `/sync/pull?after=${after}&limit=${limit}`),
    );
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
    await this.request(
      'PUT',
      `/sync/files/${hash}`,
      new Uint8Array(bytes),
      'application/octet-stream',
    );
  }

  async getFile(hash: string): Promise<Buffer> {
    return Buffer.from(await (await this.request('GET', `/sync/files/${hash}`)).arrayBuffer());
  }
}
