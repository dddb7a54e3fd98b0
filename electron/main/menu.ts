// The native menu as plain data: main.ts hands it to Menu.buildFromTemplate.
import type { MenuItemConstructorOptions } from 'electron';

export interface MenuActions {
  syncNow(): void;
  about(): void;
  openDataFolder(): void;
}

export interface MenuOptions {
  appName: string;
  /** Reload is for developers: in the shipped app it would throw away what a clerk is typing. */
  dev: boolean;
  actions: MenuActions;
}

export function menuTemplate({ appName, dev, actions }: MenuOptions): MenuItemConstructorOptions[] {
  return [
    {
      label: '&File',
      submenu: [
        { label: 'Sync now', accelerator: 'F5', click: () => actions.syncNow() },
        { type: 'separator' },
        { role: 'quit', label: 'Quit' },
      ],
    },
    {
      label: '&Edit',
      submenu: [
        { role: 'undo' },
        { role: 'redo' },
        { type: 'separator' },
        { role: 'cut' },
        { role: 'copy' },
        { role: 'paste' },
        { role: 'selectAll' },
      ],
    },
    {
      label: '&View',
      submenu: [
        ...(dev
          ? ([{ role: 'reload' }, { role: 'toggleDevTools' }, { type: 'separator' }] as const)
          : []),
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    {
      label: '&Help',
      submenu: [
        { label: 'Open data folder', click: () => actions.openDataFolder() },
        { type: 'separator' },
        { label: `About ${appName}`, click: () => actions.about() },
      ],
    },
  ];
}
