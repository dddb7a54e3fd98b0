// Run as a child process by the crash test: a branch PC far behind, catching up in small pages
// with its checkpoints left to a worker thread from the first page, until it is killed. It says
// "page" after each page it commits; once caught up, "synced", and waits to be killed.
import { openChildPc } from './child-pc';

const [dir, base, token] = process.argv.slice(2);
if (!dir || !base || !token) throw new Error('usage: catch-up-child <dir> <base> <token>');
const { engine } = openChildPc(dir, base, token, {
  pullPage: 20,
  catchUpPage: 40,
  backgroundCheckpointsFrom: 1,
  onProgress: (p) => {
    if (p.phase === 'pull' && p.done > 0) process.stdout.write('page\n');
  },
});
await engine.pull();
process.stdout.write('synced\n');
setInterval(() => undefined, 60_000);
