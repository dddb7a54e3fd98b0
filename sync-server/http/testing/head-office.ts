// A head office serving HTTPS on loopback with a catalog and a shop, for the TLS and pinning tests.
// Its admin side talks through undici with certificate checks off: the tests look at the pins.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, fetch } from 'undici';
import type { InputOf, OperationName, OutputOf } from '../../../core/contract/api';
import { startServer, type ServerConfig } from '../../main';

export const PASSWORD = 'correct-horse-battery';

/** Accepts any certificate: for the test's own admin calls, never for a branch PC. */
export const trustingAgent = new Agent({ connect: { rejectUnauthorized: false } });

export async function call<T>(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  token?: string,
): Promise<{
  status: number;
  headers: { get(name: string): string | null; has(name: string): boolean };
  body: T;
}> {
  const response = await fetch(`${base}${path}`, {
    method,
    dispatcher: trustingAgent,
    headers: {
      'content-type': 'application/json',
      ...(token && { authorization: `Bearer ${token}` }),
    },
    ...(body !== undefined && { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: (text ? JSON.parse(text) : null) as T,
  };
}

export type Server = Awaited<ReturnType<typeof startServer>>;

export const serverConfig = (dataDir: string, extra: Partial<ServerConfig> = {}): ServerConfig => ({
  port: 0,
  host: '127.0.0.1',
  dataDir,
  databaseUrl: null,
  tls: 'self-signed',
  ...extra,
});

/** A head office set up over HTTP: its admin, a factory, one shop (SH01, its clerk `shop1`) and one product. */
export interface Company {
  adminToken: string;
  shopBranchId: string;
  variantId: string;
  admin<N extends OperationName>(name: N, input: InputOf<N>): Promise<OutputOf<N>>;
  enrollmentCode(): Promise<string>;
}

export interface HeadOffice extends Company {
  server: Server;
  dataDir: string;
  restart(extra?: Partial<ServerConfig>): Promise<Server>;
  close(): Promise<void>;
}

/** Sets up the head office at `url()` (read at each call: a restarted server keeps its port). */
export async function setUpCompany(url: () => string): Promise<Company> {
  const setup = await call(url(), 'POST', '/setup', {
    branch: { code: 'HQ', name: 'Head Office' },
    admin: { username: 'admin', displayName: 'Admin', password: PASSWORD },
  });
  if (setup.status !== 200) throw new Error(`setup failed: ${JSON.stringify(setup.body)}`);
  const login = await call<{ result: { token: string } }>(url(), 'POST', '/api/auth.login', {
    username: 'admin',
    password: PASSWORD,
  });
  const adminToken = login.body.result.token;
  const admin = async <N extends OperationName>(
    name: N,
    input: InputOf<N>,
  ): Promise<OutputOf<N>> => {
    const r = await call<{ ok: boolean; result: OutputOf<N>; error?: { message: string } }>(
      url(),
      'POST',
      `/api/${name}`,
      input,
      adminToken,
    );
    if (!r.body.ok) throw new Error(`${name}: ${r.body.error?.message ?? r.status}`);
    return r.body.result;
  };
  await admin('branches.create', { code: 'FAC', name: 'Factory', kind: 'factory' });
  const shop = await admin('branches.create', { code: 'SH01', name: 'Shop One', kind: 'shop' });
  await admin('users.create', {
    username: 'shop1',
    displayName: 'Shop clerk',
    role: 'shop_clerk',
    branchId: shop.id,
    password: PASSWORD,
  });
  const product = await admin('catalog.createProduct', {
    name: 'Mug',
    category: 'Ceramics',
    variants: [{ sku: 'MUG-S', attributes: { size: 'S' }, price: 1000, cost: 600, minStock: 5 }],
  });
  return {
    adminToken,
    shopBranchId: shop.id,
    variantId: product.variantIds[0]!,
    admin,
    enrollmentCode: async () => (await admin('devices.enrollmentCode', { branchId: shop.id })).code,
  };
}

/** Head office over HTTPS with a factory, one shop (SH01, its clerk `shop1`) and one product. */
export async function startHeadOffice(extra: Partial<ServerConfig> = {}): Promise<HeadOffice> {
  const dataDir = mkdtempSync(join(tmpdir(), 'fse-https-'));
  let server = await startServer(serverConfig(dataDir, extra), () => undefined);
  const company = await setUpCompany(() => server.url);
  return {
    ...company,
    get server() {
      return server;
    },
    dataDir,
    async restart(more = {}) {
      const port = server.port;
      await server.close();
      server = await startServer(
        serverConfig(dataDir, { ...extra, port, ...more }),
        () => undefined,
      );
      return server;
    },
    close: () => server.close(),
  };
}
