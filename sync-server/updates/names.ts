// Names on the update feed: files, manifests and their signatures, versions and their order,
// and what an electron-builder manifest names. Plain functions, read without a YAML parser.
import { signatureFileSchema } from '../../core/ops/update-signature';

/** Installer, blockmap and manifest names: no folders, nothing hidden. */
const FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;
export const MANIFEST = /^([a-z][a-z0-9-]*)\.yml$/;
export const SIGNATURE = /^([a-z][a-z0-9-]*)\.yml\.sig$/;
export const VERSION = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;
export const MAX_UPLOAD_BYTES = 2 * 1024 ** 3;

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
export const channelOf = (name: string): string | null => MANIFEST.exec(name)?.[1] ?? null;

/**
 * The files an electron-builder manifest names (`url:` of each file, and `path:`). Read as
 * lines, without a YAML parser: a manifest naming anything the signature does not is refused.
 */
export const manifestFileNames = (text: string): string[] =>
  [
    ...text.matchAll(/^(?:[ \t]*-?[ \t]*url|path):[ \t]*(["']?)([^"'\r\n#]*?)\1[ \t]*(?:#.*)?$/gm),
  ].map((m) => m[2] ?? '');

export const isSignatureFile = (text: string): boolean => {
  try {
    return signatureFileSchema.safeParse(JSON.parse(text)).success;
  } catch {
    return false;
  }
};
