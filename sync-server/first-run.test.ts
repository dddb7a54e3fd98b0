// The words the server prints when it starts: the console's address, the certificate and the
// one next step, whatever state the server is in.
import { describe, expect, it } from 'vitest';
import { consoleAddresses, startBanner, type StartedServer } from './first-run';

const fingerprint = `AB:${'CD:'.repeat(30)}EF`;
const server: StartedServer = {
  url: 'https://127.0.0.1:8443',
  port: 8443,
  publicHosts: ['erp.example.lan', 'fd00::5'],
  fingerprint256: fingerprint,
  setUp: false,
  dataDir: '/var/lib/factory-shop',
};

describe("the server's start banner", () => {
  it('names the console on this server and from other PCs, the certificate and creating the admin', () => {
    const text = startBanner(server);
    expect(text.split('\n')[0]).toBe('Factory-Shop head office is running.');
    expect(text).toContain('https://127.0.0.1:8443/console/  (in a browser on this server)');
    expect(text).toContain('https://erp.example.lan:8443/console/  (from other PCs)');
    expect(text).toContain('https://[fd00::5]:8443/console/  (from other PCs)');
    expect(text).toContain(`SHA-256 ${fingerprint}`);
    expect(text).toMatch(/fingerprint when it enrolls: go on only if they match/);
    expect(text).toContain('Data folder: /var/lib/factory-shop');
    expect(text).toMatch(/Next step: +open the console and create the head-office admin/);
    expect(text).not.toMatch(/enrollment code/);
    // Words, not JSON, and every line ends.
    expect(text.endsWith('\n')).toBe(true);
    expect(text).not.toMatch(/^\s*\{/m);
  });

  it('once set up, leads on to signing in and an enrollment code for each PC', () => {
    const text = startBanner({ ...server, setUp: true });
    expect(text).toMatch(
      /Next step: +sign in to the console as the head-office admin and, under Sync & devices, create an enrollment code for each PC\./,
    );
    expect(text).not.toMatch(/create the head-office admin/);
  });

  it('without a public host, says how PCs reach it and how to name it', () => {
    const text = startBanner({ ...server, publicHosts: [] });
    expect(text).toContain(
      "https://<this server's name or address>:8443/console/  (from other PCs; --public-host names it here)",
    );
  });

  it('over plain HTTP, says there is no certificate and what that asks of the admin', () => {
    const text = startBanner({
      ...server,
      url: 'http://10.0.0.2:8080',
      port: 8080,
      fingerprint256: null,
    });
    expect(text).toContain('http://10.0.0.2:8080/console/');
    expect(text).toContain('http://erp.example.lan:8080/console/');
    expect(text).toMatch(/Certificate: none\. This is plain HTTP \(--insecure-http\)/);
    expect(text).not.toMatch(/SHA-256/);
  });

  it('shows an announced next certificate beside the current one', () => {
    const text = startBanner({ ...server, nextFingerprint256: '11:22:33' });
    expect(text).toContain('Announced to replace it: SHA-256 11:22:33');
    expect(consoleAddresses(server)).toEqual([
      'https://127.0.0.1:8443/console/',
      'https://erp.example.lan:8443/console/',
      'https://[fd00::5]:8443/console/',
    ]);
  });
});
