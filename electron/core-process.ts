// Entry of the utility process that hosts the core, off Electron's main thread: SQLite, sync,
// PDFs. main.ts forks it with `--data <dir> --app-version <v>`. It also runs under plain Node's
// child_process.fork (there is no parentPort there), which is how the built bundle is smoke-tested.
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { installCrashReports } from '../core/ops/crash';
import { DesktopHost } from './host/desktop-host';
import { serveCore, type ParentPortLike } from './host/service';

function parentPort(): ParentPortLike {
  const electronPort: Electron.ParentPort | undefined = process.parentPort;
  if (electronPort)
    return {
      postMessage: (message) => electronPort.postMessage(message),
      on: (_event, listener) => electronPort.on('message', (event) => listener(event)),
    };
  const send = process.send?.bind(process);
  if (send)
    return {
      postMessage: (message) => send(message),
      on: (_event, listener) => process.on('message', (data) => listener({ data })),
    };
  throw new Error('core-process.js runs inside the desktop app (an Electron utility process).');
}

const { values } = parseArgs({
  options: { data: { type: 'string' }, 'app-version': { type: 'string' } },
  strict: false,
  allowPositionals: true,
});
const dataDir = typeof values.data === 'string' ? values.data : process.env['FSE_DATA'];
const appVersion = typeof values['app-version'] === 'string' ? values['app-version'] : '0.0.0';
const port = parentPort();

if (!dataDir) throw new Error('core-process.js needs --data <folder> or FSE_DATA.');
installCrashReports({
  dir: join(dataDir, 'crash-reports'),
  appVersion,
  component: 'desktop-core',
  log: (entry) => port.postMessage({ type: 'log', entry }),
});
serveCore({
  port,
  dataDir,
  openHost: (tokens) =>
    new DesktopHost({
      dataDir,
      appVersion,
      tokens,
      log: (entry) => port.postMessage({ type: 'log', entry }),
    }),
  exit: (code) => process.exit(code),
});
