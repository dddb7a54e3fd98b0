// The page's only door to the app: `window.api.call(name, input, sessionToken)` over the one IPC
// channel. Never ipcRenderer itself. Built as CommonJS: sandboxed preloads cannot be ES modules.
import { contextBridge, ipcRenderer } from 'electron';
import type { PreloadApi } from './preload-api';

export type { ApiAnswer, PreloadApi } from './preload-api';

// Kept here rather than imported from main/ipc.ts, which pulls the whole contract into the preload.
const CALL_CHANNEL = 'fse:call';

const api: PreloadApi = {
  call: (name, input, sessionToken) =>
    ipcRenderer.invoke(CALL_CHANNEL, { name, input, sessionToken }),
  platform: {
    desktop: true,
    os: process.platform,
    versions: {
      electron: process.versions['electron'] ?? '',
      chrome: process.versions['chrome'] ?? '',
    },
  },
};

contextBridge.exposeInMainWorld('api', api);
