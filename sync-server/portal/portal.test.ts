// The customer portal at a real head office over real HTTPS (decision 0034): off with the
// self-signed certificate (it says why, refuses every portal operation, /portal/ says why), on
// with the admin's certificate, and a customer who sees only their own orders and account.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operations } from '../../core/contract/api';
import { customerMayCall } from '../../core/portal/access';
import { createSelfSignedCertificate } from '../http/self-signed';
import {
  call,
  PASSWORD,
  startHeadOffice,
  trustingAgent,
  type HeadOffice,
} from '../http/testing/head-office';

interface Answer<T> {
  ok: boolean;
  result: T;
  error?: { code: string; message: string; details?: Record<string, unknown> };
}

async function signIn(base: string, username: string): Promise<string> {
  const r = await call<Answer<{ token: string }>>(base, 'POST', '/api/auth.login', {
    username,
    password: PASSWORD,
  });
  if (!r.body.ok) throw new Error(`login ${username}: ${JSON.stringify(r.body)}`);
  return r.body.result.token;
}

const api = <T>(base: string, token: string, name: string, input: unknown = {}) =>
  call<Answer<T>>(base, 'POST', `/api/${name}`, input, token);

/** Two customers of the shop, each with a portal sign-in (`cust-a`, `cust-b`). */
async function customersOf(ho: HeadOffice) {
  const ids: string[] = [];
  for (const [i, name] of ['Cafe Alpha', 'Bistro Beta'].entries()) {
    const c = await ho.admin('customers.create', {
      branchId: ho.shopBranchId,
      name,
      phone: `+25191100000${i}`,
    });
    ids.push(c.id);
    await ho.admin('users.create', {
      username: `cust-${'ab'[i]}`,
      displayName: name,
      role: 'customer',
      branchId: ho.shopBranchId,
      password: PASSWORD,
      customerId: c.id,
    });
  }
  return { a: ids[0]!, b: ids[1]! };
}

describe('the portal with head office’s self-signed certificate', () => {
  let ho: HeadOffice;
  beforeAll(async () => {
    ho = await startHeadOffice();
    await customersOf(ho);
  }, 60_000);
  afterAll(() => ho?.close());

  it('is off, says what the admin must do, and refuses every portal operation', async () => {
    const base = ho.server.url;
    const status = await call<Answer<{ on: boolean; reason?: string }>>(
      base,
      'POST',
      '/api/portal.status',
      {},
    );
    expect(status.body.result.on).toBe(false);
    expect(status.body.result.reason).toMatch(/self-signed/);
    expect(status.body.result.reason).toMatch(/--tls-cert and --tls-key/);
    const token = await signIn(base, 'cust-a');
    for (const name of Object.keys(operations).filter((n) => n.startsWith('portal.'))) {
      if (name === 'portal.status') continue;
      const r = await api(
        base,
        token,
        name,
        name === 'portal.placeOrder'
          ? { lines: [{ variantId: ho.variantId, quantity: 1 }] }
          : { orderId: 'x' },
      );
      expect(r.body.ok, name).toBe(false);
      expect(r.body.error?.details?.['portal'], name).toBe('PORTAL_OFF');
      expect(r.body.error?.message, name).toBe(status.body.result.reason);
    }
    const page = await fetch(`${base}/portal/`, { dispatcher: trustingAgent });
    expect(page.status).toBe(503);
    const html = await page.text();
    expect(html).toContain('The customer portal is not open');
    expect(html).toContain('self-signed certificate');
  });
});

describe('the portal with the admin’s certificate', () => {
  let ho: HeadOffice;
  let cust: { a: string; b: string };
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fse-portal-'));
    mkdirSync(dir, { recursive: true });
    const own = createSelfSignedCertificate(['erp.example.com', 'localhost', '127.0.0.1']);
    writeFileSync(join(dir, 'cert.pem'), own.certPem);
    writeFileSync(join(dir, 'key.pem'), own.keyPem);
    ho = await startHeadOffice({
      tls: { certFile: join(dir, 'cert.pem'), keyFile: join(dir, 'key.pem') },
    });
    cust = await customersOf(ho);
  }, 60_000);
  afterAll(() => ho?.close());

  it('is on, and serves /portal/ (or says the UI is not built)', async () => {
    const base = ho.server.url;
    const status = await call<Answer<{ on: boolean }>>(base, 'POST', '/api/portal.status', {});
    expect(status.body.result).toEqual({ on: true });
    const page = await fetch(`${base}/portal/`, { dispatcher: trustingAgent });
    const html = await page.text();
    // Whether dist/renderer is built decides which; the reason is never the certificate's.
    if (page.status === 200) expect(html).toMatch(/<html/i);
    else expect(html).toContain('not built');
    expect(html).not.toContain('self-signed');
    const bare = await fetch(`${base}/portal`, { dispatcher: trustingAgent, redirect: 'manual' });
    expect(bare.status).toBe(301);
    expect(bare.headers.get('location')).toBe('/portal/');
  });

  it('lets a customer ask for an order, see only their own, and nothing of the company', async () => {
    const base = ho.server.url;
    const a = await signIn(base, 'cust-a');
    const b = await signIn(base, 'cust-b');

    const catalog = await api<{ variantId: string; price: number }[]>(base, a, 'portal.catalog');
    expect(catalog.body.ok).toBe(true);
    expect(catalog.body.result.map((v) => v.variantId)).toContain(ho.variantId);
    expect(catalog.body.result.find((v) => v.variantId === ho.variantId)?.price).toBe(1000);

    const placed = await api<{ orderId: string; number: string; status: string }>(
      base,
      a,
      'portal.placeOrder',
      { lines: [{ variantId: ho.variantId, quantity: 3 }], note: 'back door' },
    );
    expect(placed.body.error).toBeUndefined();
    expect(placed.body.result.status).toBe('requested');
    const placedB = await api<{ orderId: string }>(base, b, 'portal.placeOrder', {
      lines: [{ variantId: ho.variantId, quantity: 1 }],
    });
    expect(placedB.body.ok).toBe(true);

    // The order is the shop's, for the customer, waiting for its rep or branch.
    const seen = await ho.admin('field.order', { orderId: placed.body.result.orderId });
    expect(seen).toMatchObject({
      customerId: cust.a,
      branchId: ho.shopBranchId,
      status: 'requested',
    });

    const mine = await api<{ id: string; status: string; total: number }[]>(
      base,
      a,
      'portal.orders',
    );
    expect(mine.body.result.map((o) => o.id)).toEqual([placed.body.result.orderId]);
    expect(mine.body.result[0]).toMatchObject({ status: 'requested', total: 3000 });
    const detail = await api<{
      lines: { quantity: number }[];
      delivery: unknown;
      deliveryNote: boolean;
    }>(base, a, 'portal.order', { orderId: placed.body.result.orderId });
    expect(detail.body.result).toMatchObject({ delivery: null, deliveryNote: false });
    expect(detail.body.result.lines.map((l) => l.quantity)).toEqual([3]);

    // Another customer's order by its id: not found, told apart from nothing.
    const theirs = await api(base, a, 'portal.order', { orderId: placedB.body.result.orderId });
    expect(theirs.body.error?.code).toBe('NOT_FOUND');
    const unknown = await api(base, a, 'portal.order', { orderId: 'no-such-order' });
    expect(unknown.body.error).toEqual(theirs.body.error);
    const note = await api(base, a, 'portal.deliveryNote', {
      orderId: placedB.body.result.orderId,
    });
    expect(note.body.error?.code).toBe('NOT_FOUND');

    const account = await api<{ balance: number; rows: unknown[]; rewards: unknown[] }>(
      base,
      a,
      'portal.account',
    );
    expect(account.body.result).toMatchObject({ balance: 0, rows: [] });
  });

  it('refuses a customer every operation but the portal’s and the few that show nothing of the company', async () => {
    const base = ho.server.url;
    const a = await signIn(base, 'cust-a');
    const allowed = new Set(
      Object.entries(operations)
        .filter(
          ([n, op]) =>
            op.access === 'public' || op.access === 'portal.use' || customerMayCall.has(n),
        )
        .map(([n]) => n),
    );
    const refused: string[] = [];
    for (const name of Object.keys(operations)) {
      if (allowed.has(name)) continue;
      const r = await api(base, a, name, {});
      expect(r.body.ok, name).toBe(false);
      expect(['FORBIDDEN'], `${name}: ${JSON.stringify(r.body.error)}`).toContain(
        r.body.error?.code,
      );
      refused.push(name);
    }
    expect(refused).toEqual(
      expect.arrayContaining(['branches.list', 'orders.list', 'field.orders', 'customers.list']),
    );
    // What a customer may call still answers.
    const me = await api<{ username: string }>(base, a, 'auth.me');
    expect(me.body.ok).toBe(true);
    const company = await api(base, a, 'company.settings');
    expect(company.body.ok).toBe(true);
  });
});

/** A request as a reverse proxy forwards it: for `client`, which reached it over `proto`. */
const forwarded = (base: string, path: string, client: string, proto: string | null, init = {}) =>
  fetch(`${base}${path}`, {
    ...init,
    headers: {
      'content-type': 'application/json',
      'x-forwarded-for': client,
      ...(proto && { 'x-forwarded-proto': proto }),
      ...('headers' in init ? (init.headers as Record<string, string>) : {}),
    },
  });

const post = (token: string | null, body: unknown = {}) => ({
  method: 'POST',
  body: JSON.stringify(body),
  headers: token ? { authorization: `Bearer ${token}` } : {},
});

/** Signs `username` in as the proxy forwards it: over HTTPS, for `client`. */
async function signInThroughProxy(base: string, username: string, client: string): Promise<string> {
  const r = await forwarded(
    base,
    '/api/auth.login',
    client,
    'https',
    post(null, { username, password: PASSWORD }),
  );
  return ((await r.json()) as Answer<{ token: string }>).result.token;
}

/** A customer's portal.account, as the proxy forwards it for one client that came over `proto`. */
const accountThroughProxy = (base: string, token: string, proto: string | null) =>
  forwarded(base, '/api/portal.account', '203.0.113.1', proto, post(token));

/** Wrong passwords for `username` from `client` until one is not refused for a bad password. */
async function triesUntilLimited(base: string, client: string, most: number): Promise<number> {
  for (let i = 1; i <= most; i++) {
    const r = await forwarded(
      base,
      '/api/auth.login',
      client,
      'https',
      post(null, { username: 'cust-a', password: 'wrong password' }),
    );
    if (r.status === 429) return i;
  }
  return Infinity;
}

describe('the portal behind a reverse proxy that ends TLS (--insecure-http --trust-proxy)', () => {
  const burst = 4;
  const rateLimits = { login: { burst, refillMs: 3_600_000 } };
  let ho: HeadOffice;
  beforeAll(async () => {
    ho = await startHeadOffice({ tls: null, trustProxy: ['loopback'], rateLimits });
    await customersOf(ho);
  }, 60_000);
  afterAll(() => ho?.close());

  it('is on, and answers pages and calls only when the proxy says they came over HTTPS', async () => {
    const base = ho.server.url;
    expect(base.startsWith('http://')).toBe(true);
    const status = await call<Answer<{ on: boolean }>>(base, 'POST', '/api/portal.status', {});
    expect(status.body.result).toEqual({ on: true });
    const token = await signInThroughProxy(base, 'cust-a', '203.0.113.1');

    const overHttps = await accountThroughProxy(base, token, 'https');
    expect(overHttps.status).toBe(200);
    expect(((await overHttps.json()) as Answer<{ balance: number }>).result.balance).toBe(0);
    // A proxy that adds its own value after the client's: the last one is the proxy's.
    expect((await accountThroughProxy(base, token, 'http, https')).status).toBe(200);
    for (const proto of [null, 'http', 'https, http', 'https,http']) {
      const plain = await accountThroughProxy(base, token, proto);
      expect(plain.status, String(proto)).toBe(403);
      const body = (await plain.json()) as Answer<unknown>;
      expect(body.error?.code).toBe('PORTAL_OFF');
      expect(body.error?.message).toMatch(/only over HTTPS.*https:\/\/ address/);
    }

    const page = await forwarded(base, '/portal/', '203.0.113.1', 'https');
    const html = await page.text();
    // Whether dist/renderer is built decides which; never the plain-HTTP refusal.
    if (page.status === 200) expect(html).toMatch(/<html/i);
    else expect(html).toContain('not built');
    expect(page.headers.get('strict-transport-security')).toMatch(/max-age=/);
    const plainPage = await forwarded(base, '/portal/', '203.0.113.1', null);
    expect(plainPage.status).toBe(403);
    expect(await plainPage.text()).toContain('only over HTTPS');
    expect(plainPage.headers.get('strict-transport-security')).toBeNull();
  });

  it('refuses a customer’s sign-in and session over plain HTTP as it refuses portal calls, and tells no one which usernames are customers’', async () => {
    const base = ho.server.url;
    const refusal = async (r: Awaited<ReturnType<typeof forwarded>>, what: string) => {
      expect(r.status, what).toBe(403);
      const body = (await r.json()) as Answer<unknown> & { code?: string; message?: string };
      expect(body.ok, what).toBe(false);
      expect(body.error?.code, what).toBe('PORTAL_OFF');
      expect(body.error?.message, what).toMatch(/only over HTTPS.*https:\/\/ address/);
      expect(JSON.stringify(body), what).not.toMatch(/token|wrong|locked/i);
    };
    const login = (client: string, username: string, password: string, proto: string | null) =>
      forwarded(base, '/api/auth.login', client, proto, post(null, { username, password }));
    // The right password: refused, and no sign-in is left behind to use over HTTPS.
    await refusal(await login('203.0.113.20', ' CUST-A ', PASSWORD, null), 'right, no proto');
    await refusal(await login('203.0.113.21', 'cust-a', PASSWORD, 'http'), 'right, http');
    // A wrong password is answered as anyone's: a customer, a clerk and nobody alike.
    const wrong = async (username: string, client: string) => {
      const r = await login(client, username, 'wrong password', null);
      return { status: r.status, body: (await r.json()) as unknown };
    };
    const asCustomer = await wrong('cust-a', '203.0.113.30');
    expect(asCustomer.status).toBe(401);
    expect(await wrong('admin', '203.0.113.31')).toEqual(asCustomer);
    expect(await wrong('nobody-at-all', '203.0.113.32')).toEqual(asCustomer);
    const token = await signInThroughProxy(base, 'cust-a', '203.0.113.40');
    expect(token).toEqual(expect.any(String));

    // A customer’s sign-in made over HTTPS does nothing over plain HTTP, whatever it calls.
    for (const name of ['auth.me', 'auth.logout', 'company.settings']) {
      const r = await forwarded(base, `/api/${name}`, '203.0.113.41', null, post(token));
      await refusal(r, name);
    }
    const me = await forwarded(base, '/api/auth.me', '203.0.113.41', 'https', post(token));
    expect(me.status, 'the refused auth.logout did not sign the customer out').toBe(200);

    // Staff sign in and call over plain HTTP as before: the console’s --insecure-http is theirs.
    const staff = await forwarded(
      base,
      '/api/auth.login',
      '203.0.113.42',
      null,
      post(null, { username: 'admin', password: PASSWORD }),
    );
    expect(staff.status).toBe(200);
    const staffToken = ((await staff.json()) as Answer<{ token: string }>).result.token;
    const staffMe = await forwarded(base, '/api/auth.me', '203.0.113.42', null, post(staffToken));
    expect(staffMe.status).toBe(200);
  });

  it('counts sign-in tries per client the proxy names, not per proxy', async () => {
    const base = ho.server.url;
    expect(await triesUntilLimited(base, '198.51.100.7', burst + 2)).toBe(burst + 1);
    // Another customer behind the same proxy is not locked out by the first one's tries.
    expect(await triesUntilLimited(base, '198.51.100.8', 1)).toBe(Infinity);
  });
});

describe('a plain-HTTP head office that trusts another proxy than the caller', () => {
  const burst = 3;
  let ho: HeadOffice;
  beforeAll(async () => {
    ho = await startHeadOffice({
      tls: null,
      trustProxy: ['10.9.9.9'],
      rateLimits: { login: { burst, refillMs: 3_600_000 } },
    });
    await customersOf(ho);
  }, 60_000);
  afterAll(() => ho?.close());

  it('ignores the forwarded headers: HTTPS cannot be claimed, nor a fresh address for each try', async () => {
    const base = ho.server.url;
    // Neither a customer's sign-in nor a portal call counts as HTTPS on the caller's word.
    const signIn = await forwarded(
      base,
      '/api/auth.login',
      '203.0.113.1',
      'https',
      post(null, { username: 'cust-a', password: PASSWORD }),
    );
    expect(signIn.status).toBe(403);
    expect(((await signIn.json()) as Answer<unknown>).error?.code).toBe('PORTAL_OFF');
    const claimed = await accountThroughProxy(base, 'no-sign-in', 'https');
    expect(claimed.status).toBe(403);
    expect((await forwarded(base, '/portal/', '203.0.113.1', 'https')).status).toBe(403);
    // Each try names a new client; all are the one address the connection came from.
    for (let i = 0; i <= burst; i++) await triesUntilLimited(base, `192.0.2.${i + 1}`, 1);
    expect(await triesUntilLimited(base, '192.0.2.200', 1)).toBe(1);
  });
});
