/// <reference types="vite/client" />
// What the Electron preload exposes to the page: one named operation, never raw ipcRenderer.
// Absent in web mode, where the same contract travels over HTTP.
export {};

declare global {
  interface Window {
    api?: {
      call(name: string, input: unknown, sessionToken?: string): Promise<unknown>;
    };
  }
}
