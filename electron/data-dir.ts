// Where a PC keeps its database and files. The desktop app and web mode use the same folder, so
// a PC that ran in web mode keeps its data when the Electron runtime arrives.
import { homedir } from 'node:os';
import { posix, resolve, win32 } from 'node:path';

export const APP_FOLDER_WINDOWS = 'Factory-Shop ERP';
export const APP_FOLDER_UNIX = 'factory-shop-erp';

export function defaultDataDir(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
  home: string = homedir(),
): string {
  if (platform === 'win32')
    return win32.join(env['APPDATA'] || win32.join(home, 'AppData', 'Roaming'), APP_FOLDER_WINDOWS);
  return posix.join(env['XDG_CONFIG_HOME'] || posix.join(home, '.config'), APP_FOLDER_UNIX);
}

/** `--data`, else `FSE_DATA`, else the default folder. */
export const resolveDataDir = (
  flag: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): string => resolve(flag ?? (env['FSE_DATA'] || defaultDataDir(process.platform, env)));
