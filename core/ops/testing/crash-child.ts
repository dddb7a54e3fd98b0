// Run as a child process by the crash-report test: rejects a promise nobody awaits, then throws.
import { installCrashReports } from '../crash';
import { fileLog } from '../log';

const [dir] = process.argv.slice(2);
if (!dir) throw new Error('usage: crash-child <dataDir>');
const log = fileLog({ dir: `${dir}/logs`, name: 'child' });
installCrashReports({ dir: `${dir}/crash-reports`, appVersion: '9.9.9', component: 'test', log });
log({ level: 'info', msg: 'started' });
void Promise.reject(new Error('nobody awaited this'));
setTimeout(() => {
  throw new Error('boom in a timer');
}, 50);
