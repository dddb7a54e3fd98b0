// Run as a child process by the crash test: a branch PC selling and syncing in a loop, in small
// push batches so that a kill lands in the middle of a push, until it is killed.
import { openChildPc } from './child-pc';

const [dir, base, token, session, variantId] = process.argv.slice(2);
if (!dir || !base || !token || !session || !variantId)
  throw new Error('usage: branch-child <dir> <base> <token> <session> <variantId>');
const { core, engine } = openChildPc(dir, base, token, { pushBatch: 3 });
for (;;) {
  for (let i = 0; i < 10; i++)
    await core.call(
      'sales.record',
      { payments: [{ method: 'cash' }], lines: [{ variantId, quantity: 1 }] },
      session,
    );
  try {
    await engine.sync();
    process.stdout.write('synced\n');
  } catch (error) {
    process.stdout.write(`sync failed: ${String(error)}\n`);
  }
}
