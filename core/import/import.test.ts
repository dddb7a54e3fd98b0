import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stateHash } from '../db/stateHash';
import { failure, openDemo, type DemoWorld } from '../testing/demo';
import { openingStockReason } from './commands';

const header = 'product,category,unit,sku,barcode,price,cost,min_stock,attr:size';

const eventCount = (w: DemoWorld, type: string) =>
  w.core.db.sqlite.prepare('SELECT count(*) AS n FROM events WHERE type = ?').pluck().get(type);

describe('catalog import', () => {
  it('a dry run lists every bad row with its column and writes nothing; the fixed file imports', async () => {
    const w = await openDemo();
    const admin = w.as('admin');
    const bad = [
      header,
      'Linen shirt,Shirts,pcs,LIN-S,2000000000039,450.00,200.00,5,S',
      'Linen shirt,Shirts,pcs,LIN-M,2000000000038,450.00,200.00,5,M', // wrong check digit
      'Linen shirt,Shirts,pcs,LIN-S,,450.00,200.00,5,L', // SKU twice in the file
      'Mug,Cups,pcs,TS-WHT-M,,0.00,20.00,,', // SKU in the catalog, price below cost
      '"Mug, large",Cups,pcs,MUG-L,,ten,20.00,-1,', // not an amount, negative min stock
    ].join('\r\n');
    const before = stateHash(w.core.db);
    const report = await admin('import.catalog', { csv: bad, dryRun: true });
    expect(report).toMatchObject({ dryRun: true, rows: 5, written: 0 });
    expect(report.issues.map((i) => [i.row, i.column])).toEqual([
      [3, 'barcode'],
      [4, 'sku'],
      [5, 'sku'],
      [5, 'price'],
      [6, 'price'],
      [6, 'min_stock'],
    ]);
    expect(report.issues[0]?.message).toContain('check digit');
    expect(report.issues[1]?.message).toContain('row 2');
    expect(stateHash(w.core.db)).toBe(before);

    const refused = await failure(admin('import.catalog', { csv: bad, dryRun: false }));
    expect(refused.code).toBe('VALIDATION');
    expect(refused.message).toContain('nothing was imported');
    expect(stateHash(w.core.db)).toBe(before);

    const good = [
      header,
      'Linen shirt,Shirts,pcs,LIN-S,2000000000039,450.00,200.00,5,S',
      'Linen shirt,Shirts,pcs,LIN-M,,450.00,200.00,5,M',
      '"Mug, large",Cups,pcs,MUG-L,,25.50,20.00,,',
    ].join('\n');
    const done = await admin('import.catalog', { csv: good, dryRun: false });
    expect(done).toMatchObject({ written: 3, issues: [] });
    expect(eventCount(w, 'product.saved')).toBeGreaterThan(0);
    const rows = await admin('catalog.list', { search: 'Linen', limit: 10 });
    expect(rows.map((r) => [r.name, r.sku, r.price])).toEqual([
      ['Linen shirt (M)', 'LIN-M', 45000],
      ['Linen shirt (S)', 'LIN-S', 45000],
    ]);
    expect(new Set(rows.map((r) => r.productId)).size).toBe(1);
    const scanned = await w.as('shop1')('catalog.findByCode', { code: '2000000000039' });
    expect(scanned.sku).toBe('LIN-S');
    // The same file again: every SKU is now in the catalog.
    const again = await admin('import.catalog', { csv: good, dryRun: true });
    expect(again.issues.map((i) => i.column)).toEqual(['sku', 'barcode', 'sku', 'sku']);
  });

  it('reads a ;-separated file with decimal commas and confirms prices at or below cost', async () => {
    const w = await openDemo();
    const csv =
      'product;category;sku;price;cost;below_cost_ok\nGift bag;Bags;BAG-1;0,00;1,50;yes\n';
    const done = await w.as('admin')('import.catalog', { csv, dryRun: false });
    expect(done.written).toBe(1);
    const [row] = await w.as('admin')('catalog.list', { search: 'BAG-1', limit: 5 });
    expect(row).toMatchObject({ price: 0, cost: 150 });
    const history = await w.as('admin')('catalog.priceHistory', {
      variantId: row?.variantId ?? '',
    });
    expect(history[0]?.belowCostConfirmedBy).toBeTruthy();
  });

  it('refuses a file without the needed columns, or with unknown ones, naming them', async () => {
    const w = await openDemo();
    const missing = await failure(
      w.as('admin')('import.catalog', { csv: 'product,sku\nA,B', dryRun: true }),
    );
    expect(missing.message).toContain('category, price, cost');
    const unknown = await failure(
      w.as('admin')('import.catalog', {
        csv: 'product,category,sku,price,cost,colour\nA,B,C,1,0,red',
        dryRun: true,
      }),
    );
    expect(unknown.message).toContain('colour');
    const binary = await failure(
      w.as('admin')('import.catalog', { csv: 'PK\u0003\u0004\u0000', dryRun: true }),
    );
    expect(binary.code).toBe('FILE_REJECTED');
  });

  it('is for admins only', async () => {
    const w = await openDemo();
    const e = await failure(w.as('shop1')('import.catalog', { csv: header, dryRun: true }));
    expect(e.code).toBe('FORBIDDEN');
  });

  it('a random mix of good and bad rows: the dry run names exactly the bad rows; the real run writes all or nothing', async () => {
    const w = await openDemo();
    const baseline = stateHash(w.core.db);
    let n = 0;
    // Each kind of bad row, and the column it is reported under.
    const badRows: [string, (i: string) => string][] = [
      ['price', (i) => `P${i},Cat,pcs,Q-${i},,abc,1.00,,`],
      ['sku', (i) => `P${i},Cat,pcs,bad sku ${i},,2.00,1.00,,`],
      ['barcode', (i) => `P${i},Cat,pcs,Q-${i},2000000000038,2.00,1.00,,`],
      ['price', (i) => `P${i},Cat,pcs,Q-${i},,1.00,1.00,,`],
      ['product', (i) => `,Cat,pcs,Q-${i},,2.00,1.00,,`],
      ['sku', () => `Taken,Cat,pcs,TS-WHT-M,,2.00,1.00,,`],
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.option(fc.integer({ min: 0, max: badRows.length - 1 }), { nil: null, freq: 2 }),
          {
            minLength: 1,
            maxLength: 30,
          },
        ),
        async (plan) => {
          const run = n++;
          const lines = plan.map((kind, i) => {
            const id = `${run}-${i}`;
            return kind === null ? `P${id},Cat,pcs,Q-${id},,2.00,1.00,,` : badRows[kind]![1](id);
          });
          const csv = [header, ...lines].join('\n');
          const expected = plan.flatMap((kind, i) => (kind === null ? [] : [i + 2]));
          const report = await w.as('admin')('import.catalog', { csv, dryRun: true });
          expect([...new Set(report.issues.map((i) => i.row))]).toEqual(expected);
          const before = stateHash(w.core.db);
          if (expected.length > 0) {
            await failure(w.as('admin')('import.catalog', { csv, dryRun: false }));
            expect(stateHash(w.core.db)).toBe(before);
          } else {
            const done = await w.as('admin')('import.catalog', { csv, dryRun: false });
            expect(done.written).toBe(plan.length);
            const listed = await w.as('admin')('catalog.list', { search: `Q-${run}-`, limit: 500 });
            expect(listed).toHaveLength(plan.length);
          }
        },
      ),
      // One all-good file always runs, so the import has written something by the end.
      { numRuns: 25, examples: [[[null, null, null]]] },
    );
    expect(stateHash(w.core.db)).not.toBe(baseline);
  });

  it('dry-runs 10,000 rows in seconds', async () => {
    const w = await openDemo();
    const lines = Array.from(
      { length: 10_000 },
      (_, i) => `Bulk ${i % 500},Bulk,pcs,BULK-${i},,2.00,1.00,,`,
    );
    const started = Date.now();
    const report = await w.as('admin')('import.catalog', {
      csv: [header, ...lines].join('\n'),
      dryRun: true,
    });
    expect(report).toMatchObject({ rows: 10_000, issues: [] });
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});

describe('customer import', () => {
  it('imports customers of shops; a factory, an unknown branch and a repeated phone are listed', async () => {
    const w = await openDemo();
    const bad =
      'name,phone,branch\nAbebe,+251 911 000001,SH01\nHana,+251 911 000001,SH02\nTsion,,FAC\nMeron,,ZZ99\n';
    const report = await w.as('admin')('import.customers', { csv: bad, dryRun: true });
    expect(report.issues.map((i) => [i.row, i.column])).toEqual([
      [3, 'phone'],
      [4, 'branch'],
      [5, 'branch'],
    ]);
    const done = await w.as('admin')('import.customers', {
      csv: 'name,phone,branch\nAbebe,+251 911 000001,SH01\n"Kebede, Hana",,sh02\n',
      dryRun: false,
    });
    expect(done.written).toBe(2);
    const found = await w.as('admin')('customers.list', { search: 'Kebede', limit: 5 });
    expect(found.map((c) => c.name)).toEqual(['Kebede, Hana']);
    // A phone a customer in the books has already, however written, as customers.create refuses.
    const before = stateHash(w.core.db);
    const again = await failure(
      w.as('admin')('import.customers', {
        csv: 'name,phone,branch\nSelam,0911-000-001,SH02\nDawit,------,SH01\n',
        dryRun: false,
      }),
    );
    const issues = again.details['issues'] as { field: string; message: string }[];
    expect(issues.map((i) => i.field)).toEqual(['rows.2.phone', 'rows.3.phone']);
    expect(issues[0]?.message).toContain("is Abebe's already");
    expect(stateHash(w.core.db)).toBe(before);
  });
});

describe('opening stock import', () => {
  it('sets opening stock per branch; archived variants, repeats and variants with movements are listed', async () => {
    const w = await openDemo();
    const admin = w.as('admin');
    await admin('import.catalog', {
      csv: 'product,category,sku,price,cost\nVase,Home,VASE-1,10.00,5.00\nBowl,Home,BOWL-1,10.00,5.00\nJug,Home,JUG-1,10.00,5.00\n',
      dryRun: false,
    });
    const [jug] = await admin('catalog.list', { search: 'JUG-1', limit: 1 });
    await admin('catalog.updateVariant', { id: jug?.variantId ?? '', active: false });
    const bad = [
      'branch,sku,quantity',
      'SH01,VASE-1,12',
      'SH01,vase-1,3', // the same variant twice at one branch
      'SH01,JUG-1,4', // archived
      'HQ,BOWL-1,4', // head office keeps no stock
      'SH02,BOWL-1,0', // not a count
      'SH02,NOPE,1', // unknown
      'SH01,TS-WHT-M,5', // has movements in the demo already
    ].join('\n');
    const report = await admin('import.openingStock', { csv: bad, dryRun: true });
    expect(report.issues.map((i) => [i.row, i.column])).toEqual([
      [3, 'sku'],
      [4, 'sku'],
      [5, 'branch'],
      [6, 'quantity'],
      [7, 'sku'],
      [8, 'sku'],
    ]);
    expect(report.issues[1]?.message).toContain('archived');
    const done = await admin('import.openingStock', {
      csv: 'branch,sku,quantity\nSH01,VASE-1,12\nFAC,VASE-1,30\nSH02,BOWL-1,4\n',
      dryRun: false,
    });
    expect(done.written).toBe(3);
    const [vase] = await admin('catalog.list', { search: 'VASE-1', limit: 1 });
    const balance = await admin('stock.balance', {
      branchId: w.branch.SH01,
      variantId: vase?.variantId ?? '',
    });
    expect(balance.onHand).toBe(12);
    const reasons = w.core.db.sqlite
      .prepare(
        "SELECT DISTINCT json_extract(payload, '$.reason') FROM events WHERE type = 'stock.adjusted'",
      )
      .pluck()
      .all();
    expect(reasons).toContain(openingStockReason);
  });

  it('reads a quantity as a person writes it, never as 0x10 or 1e3, and writes nothing then', async () => {
    const w = await openDemo();
    const admin = w.as('admin');
    const csv = 'branch,sku,quantity\nSH02,CUP-SML,0x10\nSH02,CUP-LRG,1e3\nSH02,CUP-SML,2.5\n';
    const before = stateHash(w.core.db);
    const report = await admin('import.openingStock', { csv, dryRun: true });
    expect(report.issues).toEqual(
      ['0x10', '1e3', '2.5'].map((text, i) => ({
        row: i + 2,
        column: 'quantity',
        message: `"${text}" is not a whole number greater than 0; write the count, or remove the row`,
      })),
    );
    const refused = await failure(admin('import.openingStock', { csv, dryRun: false }));
    expect(refused).toMatchObject({ code: 'VALIDATION', field: 'csv' });
    expect(refused.details.issues).toMatchObject([
      { field: 'rows.2.quantity' },
      { field: 'rows.3.quantity' },
      { field: 'rows.4.quantity' },
    ]);
    expect(stateHash(w.core.db)).toBe(before);
    // Grouped as the file's locale writes it: a ;-file groups thousands with a dot.
    const grouped = await admin('import.openingStock', {
      csv: 'branch;sku;quantity\nSH02;CUP-SML;1.200\n',
      dryRun: true,
    });
    expect(grouped.issues).toEqual([]);
    // The catalog's minimum stock is read by the same code.
    const catalog = await admin('import.catalog', {
      csv: 'product,category,sku,price,cost,min_stock\nVase,Home,VASE-9,10.00,5.00,0x10\n',
      dryRun: true,
    });
    expect(catalog.issues.map((i) => [i.row, i.column])).toEqual([[2, 'min_stock']]);
  });
});
