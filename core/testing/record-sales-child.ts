// Run as a child process by the counter's crash test: records sales to a customer (two lines,
// card and cash, points earned and some redeemed) in a loop and prints each acknowledged sale
// id, until it is killed.
import { BranchCore } from '../runtime';

const [dir, token, customerId, ...variantIds] = process.argv.slice(2);
if (!dir || !token || !customerId || variantIds.length === 0)
  throw new Error('usage: record-sales-child <dataDir> <token> <customerId> <variantId>...');
const core = new BranchCore(dir);
for (let n = 0; ; n++) {
  const sale = await core.call(
    'sales.record',
    {
      customerId,
      lines: variantIds.map((variantId) => ({ variantId, quantity: 1 })),
      ...(n % 3 === 2 && { redeem: { points: 1 } }),
      payments: [{ method: 'card', amount: 100 }, { method: 'cash' }],
    },
    token,
  );
  process.stdout.write(`${sale.id}\n`);
}
