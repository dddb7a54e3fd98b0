// What the server says in words when it has started, for the admin at its terminal or reading
// its journal: where the console is, which certificate PCs will be shown, and what to do next.
// The JSON log line beside it carries the same for machines.

export interface StartedServer {
  /** The address as this machine reaches it (https://127.0.0.1:8443 when listening on all). */
  url: string;
  port: number;
  /** Names or addresses PCs reach the server by (--public-host). */
  publicHosts: readonly string[];
  /** The certificate PCs pin; null over plain HTTP. */
  fingerprint256: string | null;
  /** The certificate announced to replace it, if any (decision 0014). */
  nextFingerprint256?: string | null;
  /** Whether head office has its admin (set up through the console or POST /setup). */
  setUp: boolean;
  dataDir: string;
}

export const CONSOLE_PATH = '/console/';

/** What the admin does next: the one step that leads on from where the server is. */
export function nextStep(setUp: boolean): string {
  return setUp
    ? 'sign in to the console as the head-office admin and, under Sync & devices, create an enrollment code for each PC.'
    : 'open the console and create the head-office admin (nothing else can be done until then).';
}

/** The console's addresses: this machine's, then one per public host. */
export function consoleAddresses(server: StartedServer): string[] {
  const scheme = server.fingerprint256 ? 'https' : 'http';
  const hostPart = (host: string) => (host.includes(':') ? `[${host}]` : host);
  return [
    `${server.url}${CONSOLE_PATH}`,
    ...server.publicHosts.map((h) => `${scheme}://${hostPart(h)}:${server.port}${CONSOLE_PATH}`),
  ];
}

/** The lines printed once the server listens, ending with a newline. */
export function startBanner(server: StartedServer): string {
  const [here, ...others] = consoleAddresses(server);
  const scheme = server.fingerprint256 ? 'https' : 'http';
  const pad = '               ';
  const lines = [
    'Factory-Shop head office is running.',
    `  Console:     ${here}  (in a browser on this server)`,
    ...(others.length > 0
      ? others.map((a) => `${pad}${a}  (from other PCs)`)
      : [
          `${pad}${scheme}://<this server's name or address>:${server.port}${CONSOLE_PATH}  (from other PCs; --public-host names it here)`,
        ]),
  ];
  if (server.fingerprint256) {
    lines.push(
      `  Certificate: SHA-256 ${server.fingerprint256}`,
      `${pad}A browser warns about a certificate it does not know, and each PC shows this`,
      `${pad}fingerprint when it enrolls: go on only if they match.`,
    );
    if (server.nextFingerprint256)
      lines.push(`${pad}Announced to replace it: SHA-256 ${server.nextFingerprint256}`);
  } else
    lines.push(
      '  Certificate: none. This is plain HTTP (--insecure-http): serve it only behind a proxy',
      `${pad}that terminates TLS, and give PCs the proxy's address.`,
    );
  lines.push(`  Data folder: ${server.dataDir}`, `  Next step:   ${nextStep(server.setUp)}`);
  return `${lines.join('\n')}\n`;
}
