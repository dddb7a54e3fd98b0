// What each role sees. The core checks every call (core/auth/roles.ts); this copy only decides
// what to show, so a clerk is not offered buttons the core would refuse. It is typed against
// the core's Role and Permission, so a new role or permission fails to compile until it is here.
import type { Permission, Role } from './client';

const staff = ['admin', 'factory_clerk', 'shop_clerk', 'finance', 'sales_rep', 'driver'] as const;

const permissions: { readonly [P in Permission]: readonly Role[] } = {
  'users.manage': ['admin'],
  'branches.manage': ['admin'],
  'catalog.manage': ['admin'],
  'catalog.read': staff,
  'stock.read': staff,
  'stock.adjust': ['admin', 'factory_clerk', 'shop_clerk'],
  'stock.transfer': ['admin', 'factory_clerk'],
  'production.record': ['admin', 'factory_clerk'],
  'orders.read': staff,
  'orders.place': ['admin', 'shop_clerk', 'sales_rep'],
  'orders.attachSlip': ['admin', 'shop_clerk'],
  'orders.verifyPayment': ['admin', 'finance'],
  'orders.dispatch': ['admin', 'factory_clerk'],
  'orders.receive': ['admin', 'shop_clerk'],
  'orders.cancel': ['admin', 'shop_clerk'],
  'sales.record': ['admin', 'shop_clerk', 'sales_rep'],
  'customers.manage': ['admin', 'shop_clerk', 'sales_rep'],
};

export const can = (role: Role, permission: Permission): boolean =>
  permissions[permission].includes(role);

/** Head-office roles act for every branch; the others for their own branch only. */
export const actsForAnyBranch = (role: Role): boolean => role === 'admin' || role === 'finance';

export const roleLabel: Record<Role, string> = {
  admin: 'Admin',
  factory_clerk: 'Factory clerk',
  shop_clerk: 'Shop clerk',
  finance: 'Finance',
  sales_rep: 'Sales rep',
  driver: 'Driver',
  customer: 'Customer',
};

export const allRoles = Object.keys(roleLabel).filter((r): r is Role => r in roleLabel);

export type ScreenId =
  | 'newOrder'
  | 'orders'
  | 'queue'
  | 'payments'
  | 'counterSale'
  | 'production'
  | 'stock'
  | 'users'
  | 'branches'
  | 'products'
  | 'sync'
  | 'conflicts'
  | 'telegram'
  | 'backups';

export interface ScreenEntry {
  id: ScreenId;
  label: string;
  /** Alt + this key opens the screen (KeyboardEvent.code without "Key"). */
  key: string;
}

const entry = (id: ScreenId, label: string, key: string): ScreenEntry => ({ id, label, key });

/** The screens each role works with, most frequent first. */
export const screensFor: Record<Role, readonly ScreenEntry[]> = {
  shop_clerk: [
    entry('newOrder', 'New order', 'N'),
    entry('orders', 'My orders', 'O'),
    entry('counterSale', 'Counter sale', 'C'),
    entry('stock', 'Stock', 'K'),
  ],
  sales_rep: [
    entry('newOrder', 'New order', 'N'),
    entry('orders', 'My orders', 'O'),
    entry('counterSale', 'Counter sale', 'C'),
    entry('stock', 'Stock', 'K'),
  ],
  factory_clerk: [
    entry('queue', 'Order queue', 'Q'),
    entry('production', 'Production', 'P'),
    entry('stock', 'Stock', 'K'),
  ],
  finance: [entry('payments', 'Payments waiting', 'Y'), entry('orders', 'All orders', 'O')],
  admin: [
    entry('orders', 'All orders', 'O'),
    entry('payments', 'Payments waiting', 'Y'),
    entry('stock', 'Stock', 'K'),
    entry('users', 'Users', 'U'),
    entry('branches', 'Branches', 'B'),
    entry('products', 'Products', 'R'),
    entry('sync', 'Sync & devices', 'D'),
    entry('conflicts', 'Conflicts', 'F'),
    entry('telegram', 'Telegram', 'T'),
    entry('backups', 'Backups & updates', 'A'),
  ],
  driver: [entry('orders', 'Orders', 'O'), entry('stock', 'Stock', 'K')],
  customer: [],
};
