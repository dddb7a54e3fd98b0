// A demo company so anyone can try every screen at once: head office, a factory, two shops,
// a small catalog with stock, and one user per role (password: demo1234).
import { z } from 'zod';
import { initializeSite, refuseIfSetUp } from '../auth/commands';
import { hashPassword } from '../auth/password';
import type { Role } from '../vocabulary';
import type { Context } from '../contract/context';
import { action } from '../contract/define';
import { execute, parseInput } from '../contract/execute';
import { invariant } from '../errors';
import { HybridClock } from '../hlc';
import { addUser, newUserInput } from '../auth/users';
import { createBranch } from '../branches/commands';
import { createProduct } from '../catalog/commands';
import { recordProduction } from '../production/commands';
import { adjustStock } from '../stock/commands';
import { saveCustomerTerms, savePriceList } from '../field/terms';
import { createCustomer } from '../sales/customers';
import { saveBadgeRule } from '../badges/operations';
import { emit } from '../events/emit';

// The same operations as the contract, checked the same way (api.ts imports this file). Users
// are added with passwords hashed before the transaction (users.create hashes inside its own).
const operations = {
  'branches.create': createBranch,
  'catalog.createProduct': createProduct,
  'production.record': recordProduction,
  'stock.adjust': adjustStock,
  'priceLists.save': savePriceList,
  'customers.create': createCustomer,
  'customers.saveTerms': saveCustomerTerms,
  'badges.saveRule': saveBadgeRule,
};

export const DEMO_PASSWORD = 'demo1234';

const demoUsers: {
  username: string;
  displayName: string;
  role: Role;
  commissionBp?: number;
  branch: 'HQ' | 'FAC' | 'SH01' | 'SH02';
}[] = [
  { username: 'factory', displayName: 'Abebe Kebede', role: 'factory_clerk', branch: 'FAC' },
  { username: 'shop1', displayName: 'Sara Tesfaye', role: 'shop_clerk', branch: 'SH01' },
  { username: 'shop2', displayName: 'Мария Иванова', role: 'shop_clerk', branch: 'SH02' },
  { username: 'finance', displayName: 'Hana Girma', role: 'finance', branch: 'HQ' },
  {
    username: 'sales',
    displayName: 'Dawit Alemu',
    role: 'sales_rep',
    branch: 'SH01',
    commissionBp: 300,
  },
  { username: 'driver', displayName: 'Yonas Bekele', role: 'driver', branch: 'FAC' },
  { username: 'driver2', displayName: 'Meron Tadesse', role: 'driver', branch: 'SH01' },
  { username: 'customer', displayName: 'Selam Haile', role: 'customer', branch: 'SH01' },
];

const demoCatalog = [
  {
    name: 'Cotton T-shirt',
    category: 'Apparel',
    unit: 'pcs',
    variants: [
      {
        sku: 'TS-WHT-M',
        barcode: '4006381333931',
        attributes: { size: 'M', colour: 'White' },
        price: 45000,
        cost: 28000,
        minStock: 20,
      },
      {
        sku: 'TS-WHT-L',
        barcode: '4006381333948',
        attributes: { size: 'L', colour: 'White' },
        price: 45000,
        cost: 28000,
        minStock: 20,
      },
      {
        sku: 'TS-BLK-M',
        barcode: '4006381333955',
        attributes: { size: 'M', colour: 'Black' },
        price: 48000,
        cost: 29000,
        minStock: 15,
      },
    ],
  },
  {
    name: 'የቡና ስኒ (Coffee cup)',
    category: 'Ceramics',
    unit: 'pcs',
    variants: [
      {
        sku: 'CUP-SML',
        barcode: '5901234123457',
        attributes: { size: 'Small' },
        price: 12000,
        cost: 6500,
        minStock: 50,
      },
      {
        sku: 'CUP-LRG',
        barcode: '5901234123464',
        attributes: { size: 'Large' },
        price: 15000,
        cost: 8000,
        minStock: 40,
      },
    ],
  },
  {
    name: 'Work trousers',
    category: 'Apparel',
    unit: 'pcs',
    variants: [
      {
        sku: 'TR-NVY-32',
        barcode: '7622210449283',
        attributes: { waist: '32', colour: 'Navy' },
        price: 95000,
        cost: 61000,
        minStock: 10,
      },
    ],
  },
];

/** `hashes`: one hash of DEMO_PASSWORD for the admin, then one per demo user (each its own salt). */
function loadDemoCompany(ctx: Context, hashes: string[]): { adminId: string } {
  const hashFor = (i: number) => {
    const hash = hashes[i];
    invariant(hash, `demo password hash ${i} is missing`);
    return hash;
  };
  const { device, adminId } = initializeSite(
    ctx,
    {
      branch: { code: 'HQ', name: 'Head Office', kind: 'head_office' },
      admin: { username: 'admin', displayName: 'Admin', password: DEMO_PASSWORD },
      deviceName: 'Demo PC',
    },
    hashFor(0),
  );
  const admin: Context = {
    ...ctx,
    device,
    clock: new HybridClock(device.id, ctx.now),
    actor: {
      userId: adminId,
      username: 'admin',
      displayName: 'Admin',
      role: 'admin',
      branchId: device.branchId,
    },
  };
  const call = (name: string, input: unknown) =>
    execute(operations, admin, name, input) as { id: string; variantIds?: string[] };
  const branchIds: Record<string, string> = { HQ: device.branchId };
  for (const [code, name, kind] of [
    ['FAC', 'Akaki Factory', 'factory'],
    ['SH01', 'Bole Shop', 'shop'],
    ['SH02', 'ፒያሳ ሱቅ (Piassa Shop)', 'shop'],
  ] as const)
    branchIds[code] = call('branches.create', { code, name, kind }).id;
  const userIds: Record<string, string> = {};
  demoUsers.forEach((u, i) => {
    const { password: _plain, ...user } = parseInput(newUserInput, {
      username: u.username,
      displayName: u.displayName,
      role: u.role,
      branchId: branchIds[u.branch],
      password: DEMO_PASSWORD,
      ...(u.commissionBp !== undefined && { commissionBp: u.commissionBp }),
    });
    userIds[u.username] = addUser(admin, user, hashFor(i + 1)).id;
  });
  const prices: { variantId: string; price: number }[] = [];
  const today = new Date(ctx.now()).toISOString().slice(0, 10);
  for (const product of demoCatalog) {
    const created = call('catalog.createProduct', product);
    created.variantIds?.forEach((variantId, i) => {
      prices.push({ variantId, price: product.variants[i]?.price ?? 0 });
      const minStock = product.variants[i]?.minStock ?? 0;
      // Leave the last variant of each product below its minimum so low stock shows.
      const quantity =
        i === (created.variantIds?.length ?? 0) - 1 ? Math.max(1, minStock - 5) : minStock * 4;
      call('production.record', {
        branchId: branchIds['FAC'],
        variantId,
        quantity,
        producedOn: today,
        shift: 'Day',
      });
      call('stock.adjust', {
        branchId: branchIds['SH01'],
        variantId,
        quantity: minStock,
        reason: 'Opening stock',
      });
    });
  }
  loadDemoRoad(admin, call, branchIds, userIds, prices);
  return { adminId };
}

/**
 * The road (issue 16): Bole Shop's sales rep serves two restaurants and a mini-market with
 * addresses and coordinates (one on the restaurants' price list, with a credit limit), the
 * demo customer signs in as the café, and the admin's badges for drivers and reps.
 */
function loadDemoRoad(
  admin: Context,
  call: (name: string, input: unknown) => { id: string },
  branchIds: Record<string, string>,
  userIds: Record<string, string>,
  counterPrices: readonly { variantId: string; price: number }[],
): void {
  // Restaurants buy a tenth below the counter's price.
  const prices = counterPrices.map(({ variantId, price }) => ({
    variantId,
    price: Math.round((price * 9) / 10),
  }));
  const list = call('priceLists.save', { name: 'Restaurants', prices });
  const customers = [
    [
      'Blue Nile Café',
      '+251 944 100001',
      'Bole Road, near Edna Mall',
      8.9959,
      38.7871,
      list.id,
      500_000,
    ],
    [
      'Merkato Mini-market',
      '+251 944 100002',
      'Merkato, Addis Ketema',
      9.0105,
      38.7396,
      null,
      null,
    ],
    [
      'Kazanchis Restaurant',
      '+251 944 100003',
      'Kazanchis, Kirkos',
      9.0186,
      38.7684,
      list.id,
      null,
    ],
  ] as const;
  const ids = customers.map(([name, phone, address, lat, lng, priceListId, creditLimit]) => {
    const made = call('customers.create', {
      branchId: branchIds['SH01'],
      name,
      phone,
      address,
      lat,
      lng,
    });
    call('customers.saveTerms', {
      customerId: made.id,
      repId: userIds['sales'],
      priceListId,
      creditLimit,
    });
    return made.id;
  });
  // The demo customer's sign-in is the café's (a field of the user, merged like the rest).
  const customerUser = userIds['customer'];
  if (customerUser)
    emit(admin, 'user.saved', customerUser, { id: customerUser, customerId: ids[0] ?? null });
  for (const rule of [
    {
      name: 'Ten deliveries',
      role: 'driver',
      rule: 'count',
      kind: 'delivery',
      threshold: 10,
      period: 'ever',
      points: 50,
    },
    {
      name: 'Five on-time trips in a row',
      role: 'driver',
      rule: 'streak',
      kind: 'on_time_trip',
      threshold: 5,
      period: 'ever',
      points: 80,
    },
    {
      name: 'Five orders delivered this month',
      role: 'sales_rep',
      rule: 'count',
      kind: 'order_delivered',
      threshold: 5,
      period: 'month',
      points: 40,
    },
    {
      name: "The month's most new customers",
      role: 'sales_rep',
      rule: 'top',
      kind: 'new_customer',
      threshold: 1,
      period: 'month',
      points: 100,
    },
  ])
    call('badges.saveRule', { ...rule, announce: true, active: true });
}

export const setupLoadDemo = action({
  access: 'public',
  // The passwords are hashed first, off the main thread; then one transaction loads it all.
  input: z.object({}),
  handler: async (ctx) => {
    refuseIfSetUp(ctx);
    const hashes = await Promise.all(
      Array.from({ length: demoUsers.length + 1 }, () => hashPassword(DEMO_PASSWORD)),
    );
    return ctx.db.sqlite.transaction(() => loadDemoCompany(ctx, hashes)).immediate();
  },
});
