// Wires ./updater.ts to electron-updater, a dialog and the core (for head office's address).
// Only the packaged app updates itself: main.ts calls this when app.isPackaged.
import { app, dialog, session, type BrowserWindow, type MessageBoxOptions } from 'electron';
import type * as ElectronUpdater from 'electron-updater';
import { createRequire } from 'node:module';
import { z } from 'zod';
import type { Log } from '../../core/ops/log';
import type { CoreClient } from '../main/core-client';
import { pinnedCertificateCheck, UpdateController, type Feed } from './updater';

const syncStatus = z
  .object({ serverUrl: z.string().nullable(), serverFingerprint: z.string().nullable().optional() })
  .nullable();

export function startUpdates(
  core: Pick<CoreClient, 'call'>,
  log: Log,
  window: () => BrowserWindow | null,
): UpdateController {
  // electron-updater is CommonJS, and its autoUpdater a lazy getter: loaded with require.
  const { autoUpdater } = createRequire(import.meta.url)(
    'electron-updater',
  ) as typeof ElectronUpdater;
  const say = (level: string) => (message: unknown) =>
    log({
      level,
      msg: 'electron-updater',
      detail: message instanceof Error ? message.message : String(message),
    });
  autoUpdater.logger = {
    info: say('info'),
    warn: say('warn'),
    error: say('error'),
    debug: () => undefined,
  };

  const feed = async (): Promise<Feed | null> => {
    const answer = await core.call('sync.status', {});
    if (!answer.ok) throw new Error(answer.error.message);
    const status = syncStatus.parse(answer.result);
    return status?.serverUrl
      ? { serverUrl: status.serverUrl, fingerprint: status.serverFingerprint ?? null }
      : null;
  };

  const ask = async ({ version, current }: { version: string; current: string }) => {
    const options: MessageBoxOptions = {
      type: 'info',
      buttons: ['Restart and install', 'Later'],
      defaultId: 0,
      cancelId: 1,
      title: 'Update ready',
      message: `Version ${version} of ${app.getName()} is ready to install.`,
      detail:
        `This PC has version ${current}. The app closes, installs the update and opens again; ` +
        'everything you saved is kept. Choose Later to go on working: you will be asked again ' +
        'the next time the app starts.',
    };
    const parent = window();
    const { response } = parent
      ? await dialog.showMessageBox(parent, options)
      : await dialog.showMessageBox(options);
    return response === 0;
  };

  const controller = new UpdateController({
    updater: autoUpdater,
    currentVersion: app.getVersion(),
    feed,
    ask,
    // electron-updater downloads on its own session; head office's certificate is pinned there too.
    trust: (f) => {
      if (!f.fingerprint) return;
      const check = pinnedCertificateCheck(f);
      session
        .fromPartition('electron-updater', { cache: false })
        .setCertificateVerifyProc((request, callback) => callback(check(request)));
    },
    log,
  });
  controller.start();
  return controller;
}
