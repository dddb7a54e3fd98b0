// The update feed the desktop apps read with electron-updater's generic provider: channel
// manifests (latest.yml for Windows, latest-linux.yml for Linux) and the installers they name,
// in `<data>/updates/`. An admin uploads them, or drops them in the folder.
//
// Every manifest seen is kept by version under `manifests/<channel>/<version>.yml`, so the admin
// can hold a version back (the feed then serves the newest version not held back, that is the
// previous one) or turn updates off (no manifest is served, so no app sees an update).
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { z } from 'zod';
import type { UpdateFeedService } from '../../core/ops/updates';
import { HttpError } from '../errors';

/** Installer, blockmap and manifest names: no folders, nothing hidden. */
const FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;
const MANIFEST = /^([a-z][a-z0-9-]*)\.yml$/;
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

export class UpdateFeed implements UpdateFeedService {
  readonly manifestsDir: string;
  private readonly settingsFile: string;

  constructor(readonly dir: string) {
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

  /** Files dropped in the folder by hand: each manifest is kept by its version too. */
  private async adoptDroppedManifests(): Promise<void> {
    for (const name of await this.names(this.dir)) {
      const channel = channelOf(name);
      if (!channel) continue;
      const text = await readFile(join(this.dir, name), 'utf8');
      const version = manifestVersion(text);
      if (version) await this.keepManifest(channel, version, text, false);
    }
  }

  private async keepManifest(
    channel: string,
    version: string,
    text: string,
    replace: boolean,
  ): Promise<void> {
    const dir = join(this.manifestsDir, channel);
    const file = join(dir, `${version}.yml`);
    if (!replace && (await this.exists(file))) return;
    await mkdir(dir, { recursive: true });
    const temp = `${file}.${randomUUID()}.tmp`;
    await writeFile(temp, text);
    await rename(temp, file);
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

  private async versions(channel: string): Promise<string[]> {
    return (await this.names(join(this.manifestsDir, channel)))
      .flatMap((f) => {
        const v = f.endsWith('.yml') ? f.slice(0, -4) : '';
        return VERSION.test(v) ? [v] : [];
      })
      .sort(compareVersions);
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

  /** An installer or blockmap by name, or null. */
  async file(name: string): Promise<string | null> {
    if (!isFileName(name) || MANIFEST.test(name) || name === 'feed.json') return null;
    const path = join(this.dir, name);
    const s = await stat(path).catch(() => null);
    return s?.isFile() ? path : null;
  }

  /**
   * Stores an upload. A manifest must name its version; it is kept by version (so uploading the
   * same version again replaces that one). Anything else is stored under its name, whole or not
   * at all; its sha512 (base64, as manifests write it) is returned to compare with the manifest.
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
        const text = await readFile(temp, 'utf8');
        const version = manifestVersion(text);
        if (!version)
          throw new HttpError(
            400,
            'VALIDATION',
            `${name}: not an update manifest (it has no "version: x.y.z" line).`,
          );
        await this.keepManifest(channel, version, text, true);
        return { kind: 'manifest', channel, version };
      }
      await rename(temp, join(this.dir, name));
      return { kind: 'file', name, bytes, sha512: hash.digest('base64') };
    } finally {
      await rm(temp, { force: true });
    }
  }
}
