// The update feed the desktop apps read with electron-updater's generic provider: channel
// manifests (latest.yml for Windows, latest-linux.yml for Linux) and the installers they name,
// in `<data>/updates/`. An admin uploads them, or drops them in the folder.
//
// Every manifest seen is kept by version under `manifests/<channel>/<version>.yml`, so the admin
// can hold a version back (the feed then serves the newest version not held back, that is the
// previous one) or turn updates off (no manifest is served, so no app sees an update).
//
// A manifest is offered only with a valid signature (core/ops/update-signature.ts): the publisher's
// `<manifest>.sig`, uploaded (or dropped) before the manifest, checked with the keys the apps
// ship, and kept beside it as `manifests/<channel>/<version>.yml.sig`. The apps check it again;
// head office checks first so that it never offers what they would refuse.
import { createHash, randomUUID, type KeyObject } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { z } from 'zod';
import type { UpdateFeedService } from '../../core/ops/updates';
import {
  signatureFileSchema,
  verifyManifestSignature,
  type Statement,
} from '../../core/ops/update-signature';
import { HttpError } from '../errors';
import { shippedUpdateKeys } from './keys';

/** Installer, blockmap and manifest names: no folders, nothing hidden. */
const FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;
const MANIFEST = /^([a-z][a-z0-9-]*)\.yml$/;
const SIGNATURE = /^([a-z][a-z0-9-]*)\.yml\.sig$/;
const VERSION = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;
export const MAX_UPLOAD_BYTES = 2 * 1024 ** 3;

const settingsSchema = z.object({
  enabled: z.boolean().default(true),
  heldBack: z.array(z.string().regex(VERSION)).default([]),
});
export type FeedSettings = z.infer<typeof settingsSchema>;

export interface ChannelState {
  /** `latest` (Windows), `latest-linux` (Linux x64)… as the manifest file is named. */
  channel: string;
  versions: string[];
  /** What the feed hands out now, or null (updates off, or every version held back). */
  served: string | null;
}

export interface FeedState extends FeedSettings {
  channels: ChannelState[];
  files: { name: string; bytes: number }[];
}

export const isFileName = (name: string) => FILE_NAME.test(name) && !name.includes('..');

/** Semantic-version order: numbers compared as numbers; a pre-release before its release. */
export function compareVersions(a: string, b: string): number {
  const [coreA = '', preA] = (a.split('+')[0] ?? '').split(/-(.*)/s);
  const [coreB = '', preB] = (b.split('+')[0] ?? '').split(/-(.*)/s);
  const numsA = coreA.split('.').map(Number);
  const numsB = coreB.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    const d = (numsA[i] ?? 0) - (numsB[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  if (preA === undefined || preB === undefined)
    return preA === preB ? 0 : preA === undefined ? 1 : -1;
  const partsA = preA.split('.');
  const partsB = preB.split('.');
  for (let i = 0; i < Math.max(partsA.length, partsB.length); i++) {
    const x = partsA[i];
    const y = partsB[i];
    if (x === undefined || y === undefined) return x === undefined ? -1 : 1;
    if (x === y) continue;
    const nx = /^\d+$/.test(x) ? Number(x) : null;
    const ny = /^\d+$/.test(y) ? Number(y) : null;
    if (nx !== null && ny !== null) return Math.sign(nx - ny);
    if (nx !== null || ny !== null) return nx !== null ? -1 : 1;
    return x < y ? -1 : 1;
  }
  return 0;
}

/** The `version:` of an electron-builder manifest (a small YAML file), or null. */
export function manifestVersion(text: string): string | null {
  const version = /^version:[ \t]*(["']?)([^"'\s#]+)\1[ \t]*(?:#.*)?$/m.exec(text)?.[2];
  return version && VERSION.test(version) ? version : null;
}

/** `latest-linux` for `latest-linux.yml`; null for a name that is not a manifest's. */
const channelOf = (name: string): string | null => MANIFEST.exec(name)?.[1] ?? null;

/**
 * The files an electron-builder manifest names (`url:` of each file, and `path:`). Read as
 * lines, without a YAML parser: a manifest naming anything the signature does not is refused.
 */
export const manifestFileNames = (text: string): string[] =>
  [
    ...text.matchAll(/^(?:[ \t]*-?[ \t]*url|path):[ \t]*(["']?)([^"'\r\n#]*?)\1[ \t]*(?:#.*)?$/gm),
  ].map((m) => m[2] ?? '');

const isSignatureFile = (text: string): boolean => {
  try {
    return signatureFileSchema.safeParse(JSON.parse(text)).success;
  } catch {
    return false;
  }
};

const refusedUpload = (message: string) => new HttpError(400, 'UNSIGNED_UPDATE', message);

export class UpdateFeed implements UpdateFeedService {
  readonly manifestsDir: string;
  private readonly settingsFile: string;

  /** `keys`: the public keys releases must be signed with; by default those the apps ship. */
  constructor(
    readonly dir: string,
    private readonly keys: () => Map<string, KeyObject> = shippedUpdateKeys,
  ) {
    this.manifestsDir = join(dir, 'manifests');
    this.settingsFile = join(dir, 'feed.json');
  }

  async settings(): Promise<FeedSettings> {
    try {
      return settingsSchema.parse(JSON.parse(await readFile(this.settingsFile, 'utf8')));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return settingsSchema.parse({});
      throw error;
    }
  }

  async configure(change: Partial<FeedSettings>): Promise<FeedState> {
    const next = settingsSchema.parse({ ...(await this.settings()), ...change });
    next.heldBack = [...new Set(next.heldBack)].sort(compareVersions);
    await mkdir(this.dir, { recursive: true });
    const temp = `${this.settingsFile}.${randomUUID()}.tmp`;
    await writeFile(temp, `${JSON.stringify(next, null, 2)}\n`);
    await rename(temp, this.settingsFile);
    return this.state();
  }

  private async readOrNull(path: string): Promise<Buffer | null> {
    try {
      return await readFile(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  /**
   * The manifest's signature checked: by a trusted key, over these bytes, for this version, and
   * naming every file the manifest names. The statement, or why not.
   */
  private check(
    name: string,
    text: Buffer,
    signature: Buffer | null,
  ): { ok: true; statement: Statement } | { ok: false; message: string } {
    const verified = verifyManifestSignature(
      this.keys(),
      name,
      text,
      signature?.toString('utf8') ?? null,
    );
    if (!verified.ok) return { ok: false, message: verified.refusal.message };
    const { statement } = verified;
    if (statement.version !== manifestVersion(text.toString('utf8')))
      return { ok: false, message: `${name}.sig was made for version ${statement.version}.` };
    const signed = new Set(statement.files.map((f) => f.name));
    const unsigned = manifestFileNames(text.toString('utf8')).find((f) => !signed.has(f));
    if (unsigned !== undefined)
      return { ok: false, message: `${name} names ${unsigned}, which its signature does not.` };
    return verified;
  }

  /** Files dropped in the folder by hand: each signed manifest is kept by its version too. */
  private async adoptDroppedManifests(): Promise<void> {
    for (const name of await this.names(this.dir)) {
      const channel = channelOf(name);
      if (!channel) continue;
      const text = await readFile(join(this.dir, name));
      const signature = await this.readOrNull(join(this.dir, `${name}.sig`));
      const version = manifestVersion(text.toString('utf8'));
      // Unsigned or wrongly signed: never offered (the admin's view lists only signed versions).
      if (version && signature && this.check(name, text, signature).ok)
        await this.keepManifest(channel, version, text, signature, false);
    }
  }

  private async keepManifest(
    channel: string,
    version: string,
    text: Buffer,
    signature: Buffer,
    replace: boolean,
  ): Promise<void> {
    const dir = join(this.manifestsDir, channel);
    const file = join(dir, `${version}.yml`);
    if (!replace && (await this.exists(file))) return;
    await mkdir(dir, { recursive: true });
    // The signature first: a manifest is never there without the signature it was checked with.
    for (const [path, bytes] of [
      [`${file}.sig`, signature],
      [file, text],
    ] as const) {
      const temp = `${path}.${randomUUID()}.tmp`;
      await writeFile(temp, bytes);
      await rename(temp, path);
    }
  }

  /** A kept version whose signature still checks out (a file changed on disk does not). */
  private async servable(channel: string, version: string): Promise<boolean> {
    const file = join(this.manifestsDir, channel, `${version}.yml`);
    const [text, signature] = await Promise.all([
      this.readOrNull(file),
      this.readOrNull(`${file}.sig`),
    ]);
    return text !== null && this.check(`${channel}.yml`, text, signature).ok;
  }

  /** Every installer the statement names is on the feed, with the bytes the publisher signed. */
  private async checkInstallers(statement: Statement): Promise<void> {
    for (const signed of statement.files) {
      const path = await this.file(signed.name);
      if (!path) throw refusedUpload(`Upload ${signed.name} first: the manifest names it.`);
      const hash = createHash('sha512');
      let size = 0;
      for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
        hash.update(chunk);
        size += chunk.length;
      }
      if (hash.digest('base64') !== signed.sha512 || size !== signed.size)
        throw refusedUpload(`${signed.name} on the feed is not the installer that was signed.`);
    }
  }

  private async exists(path: string): Promise<boolean> {
    return stat(path).then(
      () => true,
      () => false,
    );
  }

  private async names(dir: string): Promise<string[]> {
    try {
      return await readdir(dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
  }

  /** The kept versions of a channel that may be offered: each with its valid signature. */
  private async versions(channel: string): Promise<string[]> {
    const kept = (await this.names(join(this.manifestsDir, channel))).flatMap((f) => {
      const v = f.endsWith('.yml') ? f.slice(0, -4) : '';
      return VERSION.test(v) ? [v] : [];
    });
    const signed: string[] = [];
    for (const v of kept) if (await this.servable(channel, v)) signed.push(v);
    return signed.sort(compareVersions);
  }

  private pick(versions: string[], settings: FeedSettings): string | null {
    if (!settings.enabled) return null;
    return versions.filter((v) => !settings.heldBack.includes(v)).at(-1) ?? null;
  }

  async state(): Promise<FeedState> {
    await this.adoptDroppedManifests();
    const settings = await this.settings();
    const channels: ChannelState[] = [];
    for (const channel of (await this.names(this.manifestsDir)).sort()) {
      const versions = await this.versions(channel);
      channels.push({ channel, versions, served: this.pick(versions, settings) });
    }
    const files: FeedState['files'] = [];
    for (const name of (await this.names(this.dir)).sort())
      if (isFileName(name) && !MANIFEST.test(name) && name !== 'feed.json') {
        const s = await stat(join(this.dir, name));
        if (s.isFile()) files.push({ name, bytes: s.size });
      }
    return { ...settings, channels, files };
  }

  /** The manifest to serve for `latest.yml` etc.: its path, or null for "no update". */
  async manifestFor(fileName: string): Promise<{ path: string; version: string } | null> {
    const channel = channelOf(fileName);
    if (!channel) return null;
    await this.adoptDroppedManifests();
    const version = this.pick(await this.versions(channel), await this.settings());
    return version ? { path: join(this.manifestsDir, channel, `${version}.yml`), version } : null;
  }

  isManifestName(name: string): boolean {
    return MANIFEST.test(name);
  }

  /** `latest.yml.sig` and the like: served for the version whose manifest is served. */
  isSignatureName(name: string): boolean {
    return SIGNATURE.test(name);
  }

  /** The signature of the manifest served for `<manifest>.sig`, or null. */
  async signatureFor(name: string): Promise<string | null> {
    const manifest = SIGNATURE.exec(name) ? name.slice(0, -'.sig'.length) : null;
    const served = manifest ? await this.manifestFor(manifest) : null;
    return served ? `${served.path}.sig` : null;
  }

  /** An installer or blockmap by name, or null. */
  async file(name: string): Promise<string | null> {
    if (!isFileName(name) || MANIFEST.test(name) || SIGNATURE.test(name) || name === 'feed.json')
      return null;
    const path = join(this.dir, name);
    const s = await stat(path).catch(() => null);
    return s?.isFile() ? path : null;
  }

  /**
   * Stores an upload. A manifest must name its version and come after its signature
   * (`<manifest>.sig`) and the installers it names; it is kept by version (so uploading the same
   * version again replaces that one). Anything else is stored under its name, whole or not at
   * all; its sha512 (base64, as manifests write it) is returned to compare with the manifest.
   */
  async upload(
    name: string,
    body: Readable,
  ): Promise<
    | { kind: 'manifest'; channel: string; version: string }
    | { kind: 'file'; name: string; bytes: number; sha512: string }
  > {
    if (!isFileName(name) || name === 'feed.json')
      throw new HttpError(
        400,
        'VALIDATION',
        'file: use letters, digits, dots, dashes and underscores',
      );
    await mkdir(this.dir, { recursive: true });
    const temp = join(this.dir, `.upload-${randomUUID()}`);
    const hash = createHash('sha512');
    let bytes = 0;
    try {
      await pipeline(
        body,
        async function* (chunks: AsyncIterable<Buffer>) {
          for await (const chunk of chunks) {
            bytes += chunk.length;
            if (bytes > MAX_UPLOAD_BYTES)
              throw new HttpError(413, 'TOO_LARGE', 'An update file may be at most 2 GB.');
            hash.update(chunk);
            yield chunk;
          }
        },
        createWriteStream(temp),
      );
      if (bytes === 0) throw new HttpError(400, 'VALIDATION', 'body: send the file bytes');
      const channel = channelOf(name);
      if (channel) {
        const text = await readFile(temp);
        const version = manifestVersion(text.toString('utf8'));
        if (!version)
          throw new HttpError(
            400,
            'VALIDATION',
            `${name}: not an update manifest (it has no "version: x.y.z" line).`,
          );
        const signature = await this.readOrNull(join(this.dir, `${name}.sig`));
        if (!signature)
          throw refusedUpload(
            `${name} has no signature: upload ${name}.sig (made by npm run release:sign) first.`,
          );
        const checked = this.check(name, text, signature);
        if (!checked.ok) throw refusedUpload(checked.message);
        await this.checkInstallers(checked.statement);
        await this.keepManifest(channel, version, text, signature, true);
        // Kept with its manifest now; the next manifest must come with its own.
        await rm(join(this.dir, `${name}.sig`), { force: true });
        return { kind: 'manifest', channel, version };
      }
      if (SIGNATURE.test(name) && !isSignatureFile(await readFile(temp, 'utf8')))
        throw refusedUpload(`${name}: not a signature made by npm run release:sign.`);
      await rename(temp, join(this.dir, name));
      return { kind: 'file', name, bytes, sha512: hash.digest('base64') };
    } finally {
      await rm(temp, { force: true });
    }
  }
}
