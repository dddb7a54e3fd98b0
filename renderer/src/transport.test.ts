import { describe, expect, it } from 'vitest';
import {
  CONSOLE,
  ContractError,
  createClient,
  httpCarrier,
  ipcCarrier,
  parseAnswer,
  takeSecret,
} from './transport';

describe('the transport envelope', () => {
  it('accepts only the contract envelope and known error codes', () => {
    expect(parseAnswer({ ok: true, result: [1] })).toEqual({ ok: true, result: [1] });
    expect(parseAnswer({ ok: false, error: { code: 'NOPE', message: 'x' } })).toEqual({
      ok: false,
      error: { code: 'INTERNAL', message: 'x' },
    });
    expect(parseAnswer('<html>')).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
  });

  it('takes the web-mode secret out of the address once', () => {
    const store = new Map<string, string>();
    const storage = {
      getItem: (k: string) => store.get(k) ?? null,
      setItem: (k: string, v: string) => void store.set(k, v),
    };
    let replaced = '';
    const history = {
      state: null,
      replaceState: (_s: unknown, _t: string, url?: string | URL | null) =>
        void (replaced = String(url)),
    };
    const loc = { hash: '#secret=abc-123', pathname: '/', search: '' };
    expect(takeSecret(loc, storage, history)).toBe('abc-123');
    expect(replaced).toBe('/');
    expect(takeSecret({ ...loc, hash: '' }, storage, history)).toBe('abc-123');
  });
});

describe('the client', () => {
  const expired = {
    ok: false,
    error: { code: 'SESSION_EXPIRED', message: 'Your session has expired. Sign in again.' },
  };

  it('carries name, input and token over IPC and returns the result', async () => {
    const seen: unknown[] = [];
    const client = createClient({
      carrier: ipcCarrier({
        call: async (...args: unknown[]) => {
          seen.push(args);
          return { ok: true, result: { initialized: true, device: null, branch: null } };
        },
      }),
      token: () => 'tok',
      onSessionLost: () => undefined,
    });
    expect(await client.call('setup.status', {})).toEqual({
      initialized: true,
      device: null,
      branch: null,
    });
    expect(seen).toEqual([['setup.status', {}, 'tok']]);
  });

  it('turns a refusal into a ContractError and signs out when the session is gone', async () => {
    const lost: string[] = [];
    let token: string | null = 'tok';
    const client = createClient({
      carrier: async () => expired,
      token: () => token,
      onSessionLost: (e) => lost.push(e.message),
    });
    const error = await client.call('auth.me', {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ContractError);
    expect(lost).toEqual(['Your session has expired. Sign in again.']);
    // Without a token there was no session to lose (a failed sign-in, say).
    token = null;
    await client.call('auth.me', {}).catch(() => undefined);
    expect(lost).toHaveLength(1);
  });

  it('sends web mode its secret and the bearer token', async () => {
    const requests: { url: string; init: RequestInit | undefined }[] = [];
    const fetcher: typeof fetch = async (url, init) => {
      requests.push({ url: String(url), init });
      return new Response(JSON.stringify({ ok: true, result: null }));
    };
    await httpCarrier('s3cret', fetcher)('sync.status', {}, 'tok');
    expect(requests[0]?.url).toBe('/api/sync.status');
    expect(requests[0]?.init?.headers).toMatchObject({
      'x-fse-secret': 's3cret',
      authorization: 'Bearer tok',
    });
    expect(await httpCarrier(null, fetcher)('sync.status', {})).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
  });

  it('says the service is not answering when the HTTP answer is not the envelope', async () => {
    const fetcher: typeof fetch = async () => new Response('<html>502</html>', { status: 502 });
    const answer = parseAnswer(await httpCarrier('s', fetcher)('orders.list', {}));
    expect(answer).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
  });

  it("in head office's console, says the server is not answering and what to check", async () => {
    const down: typeof fetch = () => Promise.reject(new TypeError('Failed to fetch'));
    const proxy: typeof fetch = async () => new Response('<html>502</html>', { status: 502 });
    for (const fetcher of [down, proxy]) {
      const answer = parseAnswer(await httpCarrier(CONSOLE, fetcher)('setup.status', {}));
      expect(answer).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE' } });
      expect(!answer.ok && answer.error.message).toMatch(
        /^Head office is not answering\. Check that its server is running/,
      );
    }
  });
});
