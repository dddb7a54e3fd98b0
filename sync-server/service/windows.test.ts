// The Windows service cannot be installed here; what is written for it and the commands that
// install it are checked instead.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  renderWinswXml,
  SERVICE_ACCOUNT,
  windowsInstallPlan,
  windowsPaths,
  winswFiles,
  type WindowsInstallOptions,
} from './install-windows';
import { FROM_PACKAGE, type Step } from './steps';

const paths = windowsPaths('C:\\ProgramData');
const node = 'C:\\Program Files\\nodejs\\node.exe';
const appDir = 'C:\\Program Files\\FactoryShopSync';

/** Elements open and close in order, attributes are quoted, text has no bare `<` or `&`. */
function wellFormed(xml: string): string[] {
  const problems: string[] = [];
  const open: string[] = [];
  const body = xml.replace(/<!--[\s\S]*?-->/g, '');
  for (const m of body.matchAll(/<(\/?)([\w:-]+)((?:\s+[\w:-]+="[^"<&]*")*)\s*(\/?)>/g)) {
    const [, closing, name = '', , selfClosing] = m;
    if (selfClosing) continue;
    if (!closing) open.push(name);
    else if (open.pop() !== name) problems.push(`</${name}> closes the wrong element`);
  }
  if (open.length > 0) problems.push(`unclosed: ${open.join(', ')}`);
  const text = body.replace(/<(\/?)([\w:-]+)((?:\s+[\w:-]+="[^"<&]*")*)\s*(\/?)>/g, '');
  if (/[<>]|&(?!(amp|lt|gt|quot);)/.test(text)) problems.push('unescaped text');
  return problems;
}

const element = (xml: string, name: string) =>
  [...xml.matchAll(new RegExp(`<${name}>([^<]*)</${name}>`, 'g'))].map((m) => m[1]);

describe('the Windows service definition (WinSW)', () => {
  const xml = renderWinswXml({ node, appDir, paths });

  it('starts automatically, restarts on failure, and runs the server with its data in ProgramData', () => {
    expect(wellFormed(xml)).toEqual([]);
    expect(element(xml, 'id')).toEqual(['factory-shop-sync']);
    expect(element(xml, 'startmode')).toEqual(['Automatic']);
    expect(xml.match(/<onfailure action="restart" delay="\d+ sec"\/>/g)).toHaveLength(3);
    expect(element(xml, 'resetfailure')).toEqual(['1 hour']);
    expect(element(xml, 'executable')).toEqual([node]);
    expect(element(xml, 'workingdirectory')).toEqual([appDir]);
    expect(element(xml, 'argument')).toEqual([
      '--env-file=C:\\ProgramData\\FactoryShopSync\\env',
      '--min-semi-space-size=32',
      '--max-semi-space-size=32',
      '--import',
      'tsx',
      'sync-server\\main.ts',
      '--data',
      'C:\\ProgramData\\FactoryShopSync\\data',
    ]);
    expect(element(xml, 'logpath')).toEqual(['C:\\ProgramData\\FactoryShopSync\\logs']);
    expect(xml).not.toContain('insecure-http');
  });

  it('escapes what XML would misread in a path', () => {
    const odd = renderWinswXml({ node, appDir: 'D:\\R&D <apps>\\FSS', paths });
    expect(wellFormed(odd)).toEqual([]);
    expect(odd).toContain('<workingdirectory>D:\\R&amp;D &lt;apps&gt;\\FSS</workingdirectory>');
  });

  it('uses the WinSW shipped in the node-windows package', () => {
    const { exe, config } = winswFiles();
    expect(readFileSync(exe).subarray(0, 2).toString('latin1')).toBe('MZ');
    expect(readFileSync(config, 'utf8')).toContain('supportedRuntime');
  });
});

describe('the Windows install', () => {
  const options: WindowsInstallOptions = {
    node,
    sourceDir: 'C:\\Users\\admin\\Downloads\\factory-shop-erp',
    appDir,
    programData: 'C:\\ProgramData',
    port: 8443,
    publicHosts: ['erp', '192.168.1.10'],
    winsw: { exe: 'X:\\winsw.exe', config: 'X:\\winsw.exe.config' },
  };
  const steps = windowsInstallPlan(options);
  const runs = steps.flatMap((s) => (s.kind === 'run' ? [[s.command, ...s.args].join(' ')] : []));
  const at = (find: (s: Step) => boolean) => steps.findIndex(find);
  const runAt = (prefix: string) =>
    at((s) => s.kind === 'run' && [s.command, ...s.args].join(' ').startsWith(prefix));

  it('registers the service under its own virtual account, delayed-auto start, restart on failure', () => {
    expect(runs).toContain(
      `sc.exe config factory-shop-sync obj= ${SERVICE_ACCOUNT} start= delayed-auto`,
    );
    expect(runs).toContain(
      'sc.exe failure factory-shop-sync reset= 3600 actions= restart/5000/restart/5000/restart/30000',
    );
    expect(runs).toContain('sc.exe failureflag factory-shop-sync 1');
    const install = runAt(`${paths.wrapper} install`);
    expect(install).toBeGreaterThan(at((s) => s.kind === 'write' && s.path === paths.xml));
    expect(install).toBeGreaterThan(at((s) => s.kind === 'copyFile' && s.to === paths.wrapper));
    expect(runAt('sc.exe config')).toBeGreaterThan(install);
    expect(runAt('sc.exe start')).toBe(steps.length - 1);
  });

  it('keeps the data private to the service account, SYSTEM and Administrators', () => {
    expect(runs).toContain(
      `icacls C:\\ProgramData\\FactoryShopSync /inheritance:r /grant:r *S-1-5-18:(OI)(CI)F *S-1-5-32-544:(OI)(CI)F ${SERVICE_ACCOUNT}:(OI)(CI)RX`,
    );
    expect(runs).toContain(
      `icacls C:\\ProgramData\\FactoryShopSync\\data /grant ${SERVICE_ACCOUNT}:(OI)(CI)M`,
    );
    // The account exists only once the service does.
    expect(runAt('icacls')).toBeGreaterThan(runAt('sc.exe config'));
  });

  it('stops and replaces an installed version, copies the app, keeps settings, opens the port', () => {
    expect(steps[0]).toMatchObject({
      command: 'net.exe',
      args: ['stop', 'factory-shop-sync'],
      onlyIf: ['sc.exe', 'query', 'factory-shop-sync'],
    });
    expect(steps.find((s) => s.kind === 'copy')).toMatchObject({
      from: options.sourceDir,
      to: appDir,
    });
    const env = steps.find((s) => s.kind === 'write' && s.path === paths.env);
    expect(env).toMatchObject({ keepExisting: true });
    expect(env?.kind === 'write' && env.content).toMatch(
      /^PORT=8443$[\s\S]*^PUBLIC_HOST=erp,192\.168\.1\.10$/m,
    );
    expect(runs.some((r) => r.includes('firewall add rule') && r.includes('localport=8443'))).toBe(
      true,
    );
  });

  it('from the unpacked server package: copies the package and runs server.mjs with plain node', () => {
    const packaged = windowsInstallPlan({ ...options, launch: FROM_PACKAGE });
    expect(packaged.find((s) => s.kind === 'copy')).toMatchObject({
      entries: expect.arrayContaining(['server.mjs', 'node_modules', 'resources', 'dist']),
    });
    const xml = packaged.find((s) => s.kind === 'write' && s.path === paths.xml);
    expect(xml?.kind === 'write' && element(xml.content, 'argument')).toEqual([
      '--env-file=C:\\ProgramData\\FactoryShopSync\\env',
      '--min-semi-space-size=32',
      '--max-semi-space-size=32',
      'server.mjs',
      '--data',
      'C:\\ProgramData\\FactoryShopSync\\data',
    ]);
  });
});
