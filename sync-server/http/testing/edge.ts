// A head office on plain HTTP (so raw sockets can talk to it) that is set up, with its admin
// signed in and one shop PC enrolled: what the malformed-request and fuzz tests send requests to.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServerConfig } from '../../main';
import { startServer } from '../../main';
import { call, PASSWORD, serverConfig, type Server } from './head-office';

export interface EdgeServer {
  server: Server;
  port: number;
  adminToken: string;
  deviceToken: string;
  close(): Promise<void>;
}

export async function startEdgeServer(extra: Partial<ServerConfig> = {}): Promise<EdgeServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'fse-edge-'));
  const server = await startServer(serverConfig(dataDir, { tls: null, ...extra }), () => undefined);
  const ok = async <T>(path: string, body: unknown, token?: string): Promise<T> => {
    const r = await call<T>(server.url, 'POST', path, body, token);
    if (r.status !== 200) throw new Error(`${path}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  await ok('/setup', {
    branch: { code: 'HQ', name: 'Head Office' },
    admin: { username: 'admin', displayName: 'Admin', password: PASSWORD },
  });
  const login = await ok<{ result: { token: string } }>('/api/auth.login', {
    username: 'admin',
    password: PASSWORD,
  });
  const adminToken = login.result.token;
  const shop = await ok<{ result: { id: string } }>(
    '/api/branches.create',
    { code: 'SH01', name: 'Shop One', kind: 'shop' },
    adminToken,
  );
  const code = await ok<{ result: { code: string } }>(
    '/api/devices.enrollmentCode',
    { branchId: shop.result.id },
    adminToken,
  );
  const enrolled = await ok<{ token: string }>('/sync/enroll', {
    code: code.result.code,
    deviceName: 'Shop PC',
  });
  return {
    server,
    port: server.port,
    adminToken,
    deviceToken: enrolled.token,
    close: () => server.close(),
  };
}
