// Run as a child process by the crash test: places orders in a loop and prints each
// acknowledged order id, until it is killed.
import { BranchCore } from '../runtime';

const [dir, token, variantId] = process.argv.slice(2);
if (!dir || !token || !variantId)
  throw new Error('usage: place-orders-child <dataDir> <token> <variantId>');
const core = new BranchCore(dir);
for (;;) {
  const placed = await core.call('orders.place', { lines: [{ variantId, quantity: 1 }] }, token);
  process.stdout.write(`${placed.id}\n`);
}
