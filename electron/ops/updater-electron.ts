// Wires ./updater.ts to electron-updater, a dialog and the core (for head office's address), and
// ./update-verify.ts to the keys shipped in the app. Only the packaged app updates itself:
// main.ts calls this when app.isPackaged.
import { app, dialog, session, type BrowserWindow, type MessageBoxOptions } from 'electron';
import type * as ElectronUpdater from 'electron-updater';
import { createRequire } from 'node:module';
import { z } from 'zod';
import type { Log } from '../../core/ops/log';
import type { UpdateRefusal } from '../../core/ops/update-signature';
import type { CoreClient } from '../main/core-client';
import { clearUpdateRefusal, recordUpdateRefusal } from './update-refusal';
import { channelFileName, loadShippedKeys, verifyDownloadedUpdate } from './update-verify';
import { feedUrl, pinnedCertificateCheck, UpdateController, type Feed } from './updater';

const syncStatus = z
  .object({ serverUrl: z.string().nullable(), serverFingerprint: z.string().nullable().optional() })
  .nullable();

export interface UpdatePaths {
  /** update-keys.json, beside main.js. */
  keysFile: string;
  /** Where the last refusal is kept for the admin. */
  dataDir: string;
}

export function startUpdates(
  core: Pick<CoreClient, 'call'>,
  log: Log,
  window: () => BrowserWindow | null,
  paths: UpdatePaths,
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

  const show = (options: MessageBoxOptions) => {
    const parent = window();
    return parent ? dialog.showMessageBox(parent, options) : dialog.showMessageBox(options);
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
    const { response } = await show(options);
    return response === 0;
  };

  // The same session electron-updater downloads with: head office's pinned certificate holds.
  const updaterSession = () => session.fromPartition('electron-updater', { cache: false });
  const keys = loadShippedKeys(paths.keysFile, log);
  const verify = (update: Parameters<typeof verifyDownloadedUpdate>[1], feed: Feed) =>
    verifyDownloadedUpdate(
      {
        keys,
        channelFile: channelFileName(process.platform, process.arch),
        fetchFeedFile: async (name) => {
          const response = await updaterSession().fetch(`${feedUrl(feed.serverUrl)}/${name}`);
          if (response.status === 404 || response.status === 204) return null;
          if (!response.ok) throw new Error(`${name}: HTTP ${response.status}`);
          return Buffer.from(await response.arrayBuffer());
        },
      },
      update,
    );

  const refused = ({ version, refusal }: { version: string; refusal: UpdateRefusal }) => {
    try {
      recordUpdateRefusal(paths.dataDir, { version, ...refusal, at: Date.now() });
    } catch (error) {
      log({ level: 'error', msg: 'the update refusal was not recorded', error: String(error) });
    }
    // A failed background download is for the admin's view only: the person was offered nothing.
    if (refusal.code === 'DOWNLOAD_FAILED') return;
    void show({
      type: 'warning',
      buttons: ['OK'],
      title: 'Update refused',
      message: `Version ${version} was not installed: it is not signed by the app's publisher.`,
      detail:
        `${refusal.message} This PC goes on with version ${app.getVersion()}, and nothing ` +
        'you saved is affected. Tell your administrator: the update offered by head office ' +
        'cannot be trusted.',
    });
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
    verify,
    refused,
    verified: () => clearUpdateRefusal(paths.dataDir),
    log,
  });
  controller.start();
  return controller;
}
