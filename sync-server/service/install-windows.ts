// The sync server as a Windows service. Node.js is not a service program, so WinSW (shipped
// inside the node-windows npm package) wraps it: the Service Control Manager starts WinSW,
// WinSW runs node and restarts it when it dies. The service runs as its own virtual account
// (NT SERVICE\factory-shop-sync), starts with Windows and keeps its data in
// %ProgramData%\FactoryShopSync, which only that account, SYSTEM and Administrators may read.
import { createRequire } from 'node:module';
import { dirname, join, win32 } from 'node:path';
import { FROM_CHECKOUT, type ServerLaunch, type Step } from './steps';

export const SERVICE = 'factory-shop-sync';
export const SERVICE_ACCOUNT = `NT SERVICE\\${SERVICE}`;
const SYSTEM = '*S-1-5-18';
const ADMINISTRATORS = '*S-1-5-32-544';

export interface WindowsPaths {
  /** %ProgramData%\FactoryShopSync */
  root: string;
  data: string;
  logs: string;
  /** WinSW and its XML, read by the Service Control Manager. */
  service: string;
  env: string;
  wrapper: string;
  xml: string;
}

export function windowsPaths(programData: string): WindowsPaths {
  const root = win32.join(programData, 'FactoryShopSync');
  const service = win32.join(root, 'service');
  return {
    root,
    data: win32.join(root, 'data'),
    logs: win32.join(root, 'logs'),
    service,
    env: win32.join(root, 'env'),
    wrapper: win32.join(service, `${SERVICE}.exe`),
    xml: win32.join(service, `${SERVICE}.xml`),
  };
}

const xmlText = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The WinSW (1.x) service definition. */
export function renderWinswXml(o: {
  node: string;
  appDir: string;
  paths: WindowsPaths;
  /** Default: from a checkout. */
  launch?: ServerLaunch;
}): string {
  const args = [
    `--env-file=${o.paths.env}`,
    ...(o.launch ?? FROM_CHECKOUT).args.map((a) => a.replaceAll('/', '\\')),
    '--data',
    o.paths.data,
  ];
  return `<!-- Written by npm run server:install. Settings: ${xmlText(o.paths.env)}; then restart the service. -->
<service>
  <id>${SERVICE}</id>
  <name>Factory-Shop ERP sync server</name>
  <description>Head-office sync server of Factory-Shop ERP (HTTPS). Data in ${xmlText(o.paths.data)}.</description>
  <executable>${xmlText(o.node)}</executable>
${args.map((a) => `  <argument>${xmlText(a)}</argument>`).join('\n')}
  <workingdirectory>${xmlText(o.appDir)}</workingdirectory>
  <startmode>Automatic</startmode>
  <onfailure action="restart" delay="5 sec"/>
  <onfailure action="restart" delay="5 sec"/>
  <onfailure action="restart" delay="30 sec"/>
  <resetfailure>1 hour</resetfailure>
  <stoptimeout>30 sec</stoptimeout>
  <logpath>${xmlText(o.paths.logs)}</logpath>
  <log mode="roll-by-size">
    <sizeThreshold>10240</sizeThreshold>
    <keepFiles>8</keepFiles>
  </log>
</service>
`;
}

export function renderWindowsEnv(settings: { port: number; publicHosts: string[] }): string {
  return `# Settings of the Factory-Shop sync server. After a change: sc.exe stop ${SERVICE}, then sc.exe start ${SERVICE}
PORT=${settings.port}
HOST=0.0.0.0
# Names and addresses PCs reach this server by (comma-separated): written into the self-signed
# certificate made on first start. PCs pin that certificate, so it is never replaced on its own.
PUBLIC_HOST=${settings.publicHosts.join(',')}
# Your own certificate instead:
#TLS_CERT_FILE=C:\\ProgramData\\FactoryShopSync\\tls\\cert.pem
#TLS_KEY_FILE=C:\\ProgramData\\FactoryShopSync\\tls\\key.pem
# PostgreSQL instead of the embedded SQLite store:
#DATABASE_URL=postgres://user:password@localhost:5432/factory_shop
`;
}

/** WinSW as the node-windows package ships it (winsw.exe and its .NET config). */
export function winswFiles(): { exe: string; config: string } {
  const require = createRequire(import.meta.url);
  const dir = join(dirname(require.resolve('node-windows/package.json')), 'bin', 'winsw');
  return { exe: join(dir, 'winsw.exe'), config: join(dir, 'winsw.exe.config') };
}

export interface WindowsInstallOptions {
  node: string;
  sourceDir: string;
  appDir: string;
  programData: string;
  port: number;
  publicHosts: string[];
  winsw: { exe: string; config: string };
  /** Default: from a checkout. */
  launch?: ServerLaunch;
}

export function windowsInstallPlan(o: WindowsInstallOptions): Step[] {
  const paths = windowsPaths(o.programData);
  const sc = (why: string, ...args: string[]): Step => ({
    kind: 'run',
    command: 'sc.exe',
    args,
    why,
  });
  const exists = ['sc.exe', 'query', SERVICE];
  const rule = 'Factory-Shop sync server';
  return [
    {
      kind: 'run',
      command: 'net.exe',
      args: ['stop', SERVICE],
      onlyIf: exists,
      mayFail: true,
      why: 'an upgrade stops the running version first (and waits for it)',
    },
    {
      kind: 'run',
      command: paths.wrapper,
      args: ['uninstall'],
      onlyIf: exists,
      mayFail: true,
      why: 'and removes its definition, written again below',
    },
    ...(win32.resolve(o.sourceDir).toLowerCase() === win32.resolve(o.appDir).toLowerCase()
      ? []
      : [
          {
            kind: 'copy' as const,
            from: o.sourceDir,
            to: o.appDir,
            entries: (o.launch ?? FROM_CHECKOUT).entries,
          },
        ]),
    { kind: 'mkdir', path: paths.service },
    { kind: 'mkdir', path: paths.data },
    { kind: 'mkdir', path: paths.logs },
    { kind: 'write', path: paths.env, content: renderWindowsEnv(o), keepExisting: true },
    // WinSW named after the service finds its XML beside it.
    { kind: 'copyFile', from: o.winsw.exe, to: paths.wrapper },
    { kind: 'copyFile', from: o.winsw.config, to: `${paths.wrapper}.config` },
    {
      kind: 'write',
      path: paths.xml,
      content: renderWinswXml({ node: o.node, appDir: o.appDir, paths, launch: o.launch }),
    },
    { kind: 'run', command: paths.wrapper, args: ['install'], why: 'registers the service' },
    sc(
      'its own virtual account, started with Windows once the network is up',
      'config',
      SERVICE,
      'obj=',
      SERVICE_ACCOUNT,
      'start=',
      'delayed-auto',
    ),
    sc(
      'restarts after a crash, also when WinSW itself dies',
      'failure',
      SERVICE,
      'reset=',
      '3600',
      'actions=',
      'restart/5000/restart/5000/restart/30000',
    ),
    sc('failure actions also when it stops with an error', 'failureflag', SERVICE, '1'),
    {
      kind: 'run',
      command: 'icacls',
      args: [
        paths.root,
        '/inheritance:r',
        '/grant:r',
        `${SYSTEM}:(OI)(CI)F`,
        `${ADMINISTRATORS}:(OI)(CI)F`,
        `${SERVICE_ACCOUNT}:(OI)(CI)RX`,
      ],
      why: 'data, key and settings hidden from other users of this machine',
    },
    {
      kind: 'run',
      command: 'icacls',
      args: [paths.data, '/grant', `${SERVICE_ACCOUNT}:(OI)(CI)M`],
      why: 'the service writes its data',
    },
    {
      kind: 'run',
      command: 'icacls',
      args: [paths.logs, '/grant', `${SERVICE_ACCOUNT}:(OI)(CI)M`],
      why: 'and its logs',
    },
    {
      kind: 'run',
      command: 'icacls',
      args: [o.appDir, '/grant', `${SERVICE_ACCOUNT}:(OI)(CI)RX`],
      why: 'the service reads the app',
    },
    {
      kind: 'run',
      command: 'netsh',
      args: ['advfirewall', 'firewall', 'delete', 'rule', `name=${rule}`],
      mayFail: true,
      why: 'replaces the firewall rule of an earlier install',
    },
    {
      kind: 'run',
      command: 'netsh',
      args: [
        'advfirewall',
        'firewall',
        'add',
        'rule',
        `name=${rule}`,
        'dir=in',
        'action=allow',
        'protocol=TCP',
        `localport=${o.port}`,
      ],
      why: 'branch PCs may connect',
    },
    sc('starts it now', 'start', SERVICE),
  ];
}
