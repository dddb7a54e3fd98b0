// What each role sees. The core checks every call and tells the UI what the person may do on
// this PC (auth.me's `may`), so a clerk is not offered buttons the core would refuse.
import { crossBranchRoles, roleLabel as roleWords, sentence } from '../../core/vocabulary';
import type { Permission, Role } from './client';

/** Whether the person may do this here: the core says so in auth.me (`may`), for this PC. */
export const can = (user: { may: readonly Permission[] }, permission: Permission): boolean =>
  user.may.includes(permission);

/** Head-office roles act for every branch; the others for their own branch only. */
export const actsForAnyBranch = (role: Role): boolean => crossBranchRoles.includes(role);

export const roleLabel = (role: Role): string => sentence(roleWords[role]);

export type ScreenId =
  | 'dashboard'
  | 'newOrder'
  | 'orders'
  | 'queue'
  | 'payments'
  | 'counterSale'
  | 'sales'
  | 'returns'
  | 'dayClose'
  | 'customers'
  | 'loyalty'
  | 'production'
  | 'stock'
  | 'users'
  | 'branches'
  | 'products'
  | 'import'
  | 'sync'
  | 'conflicts'
  | 'telegram'
  | 'ai'
  | 'backups'
  | 'company'
  | 'suppliers'
  | 'reorderRules'
  | 'purchases'
  | 'receiving'
  | 'invoices'
  | 'fieldOrders'
  | 'trips'
  | 'priceLists'
  | 'myTrips'
  | 'badges'
  | 'portal';

export interface ScreenEntry {
  id: ScreenId;
  label: string;
  /** Shown only to someone who may do this here. */
  needs?: Permission;
  /** Alt + this key opens the screen (KeyboardEvent.code without "Key"). */
  key: string;
}

const entry = (id: ScreenId, label: string, key: string, needs?: Permission): ScreenEntry => ({
  id,
  label,
  key,
  ...(needs && { needs }),
});

/** The screens each role works with, most frequent first. */
export const screensFor: Record<Role, readonly ScreenEntry[]> = {
  shop_clerk: [
    entry('dashboard', 'Dashboard', '0', 'dashboards.read'),
    entry('newOrder', 'New order', 'N'),
    entry('orders', 'My orders', 'O'),
    entry('counterSale', 'Counter sale', 'C'),
    entry('sales', 'Sales', 'S'),
    entry('returns', 'Returns', 'E', 'sales.return'),
    entry('dayClose', 'Day close', 'Z', 'sales.record'),
    entry('customers', 'Customers', 'P', 'customers.manage'),
    entry('fieldOrders', 'Customer orders', 'Q', 'field.order'),
    entry('trips', 'Trips', 'T', 'trips.manage'),
    entry('stock', 'Stock', 'K'),
    entry('receiving', 'Goods in', 'G', 'purchasing.receive'),
    entry('invoices', 'Supplier invoices', 'J', 'invoices.upload'),
    entry('sync', 'Sync', 'D'),
  ],
  sales_rep: [
    entry('dashboard', 'Dashboard', '0', 'dashboards.read'),
    entry('fieldOrders', 'Customer orders', 'Q', 'field.order'),
    entry('badges', 'Badges', 'W', 'badges.read'),
    entry('newOrder', 'New order', 'N'),
    entry('orders', 'My orders', 'O'),
    entry('counterSale', 'Counter sale', 'C'),
    entry('sales', 'Sales', 'S'),
    entry('customers', 'Customers', 'P', 'customers.manage'),
    entry('stock', 'Stock', 'K'),
    entry('sync', 'Sync', 'D'),
  ],
  factory_clerk: [
    entry('dashboard', 'Dashboard', '0', 'dashboards.read'),
    entry('queue', 'Order queue', 'Q'),
    entry('production', 'Production', 'P'),
    entry('fieldOrders', 'Customer orders', 'C', 'field.order'),
    entry('trips', 'Trips', 'T', 'trips.manage'),
    entry('stock', 'Stock', 'K'),
    entry('receiving', 'Goods in', 'G', 'purchasing.receive'),
    entry('invoices', 'Supplier invoices', 'J', 'invoices.upload'),
    entry('sync', 'Sync', 'D'),
  ],
  finance: [
    entry('dashboard', 'Dashboard', '0', 'dashboards.read'),
    entry('payments', 'Payments waiting', 'Y'),
    entry('orders', 'All orders', 'O'),
    entry('purchases', 'Purchase orders', 'H', 'purchasing.read'),
    entry('suppliers', 'Suppliers', 'V', 'purchasing.read'),
    entry('reorderRules', 'Reorder rules', 'W', 'purchasing.read'),
    entry('invoices', 'Supplier invoices', 'J', 'invoices.upload'),
    entry('sync', 'Sync', 'D'),
  ],
  admin: [
    entry('dashboard', 'Dashboard', '0', 'dashboards.read'),
    entry('orders', 'All orders', 'O'),
    entry('payments', 'Payments waiting', 'Y', 'orders.verifyPayment'),
    entry('sales', 'Sales', 'S'),
    entry('returns', 'Returns', 'E', 'sales.return'),
    entry('dayClose', 'Day close', 'Z', 'sales.record'),
    entry('customers', 'Customers', 'P', 'customers.manage'),
    entry('fieldOrders', 'Customer orders', 'C', 'field.order'),
    entry('trips', 'Trips', 'N', 'trips.manage'),
    entry('priceLists', 'Price lists', 'Q', 'customers.terms'),
    entry('badges', 'Badges & leaderboards', '1', 'badges.read'),
    entry('stock', 'Stock', 'K'),
    entry('loyalty', 'Loyalty & counter rules', 'L', 'loyalty.manage'),
    entry('purchases', 'Purchase orders', 'H', 'purchasing.read'),
    entry('suppliers', 'Suppliers', 'V', 'purchasing.read'),
    entry('reorderRules', 'Reorder rules', 'W', 'purchasing.read'),
    entry('receiving', 'Goods in', 'G', 'purchasing.receive'),
    entry('invoices', 'Supplier invoices', 'J', 'invoices.upload'),
    entry('users', 'Users', 'U', 'users.manage'),
    entry('branches', 'Branches', 'B', 'branches.manage'),
    entry('products', 'Products', 'R'),
    entry('import', 'Import CSV', 'I', 'data.import'),
    entry('sync', 'Sync & devices', 'D'),
    entry('conflicts', 'Conflicts', 'F'),
    entry('telegram', 'Telegram', 'T'),
    entry('ai', 'AI model', 'X'),
    entry('backups', 'Backups & updates', 'A'),
    entry('company', 'Currency & locale', 'M', 'company.manage'),
  ],
  driver: [
    entry('dashboard', 'Dashboard', '0', 'dashboards.read'),
    entry('myTrips', 'My trips', 'T', 'trips.drive'),
    entry('badges', 'Badges', 'W', 'badges.read'),
    entry('orders', 'Orders', 'O'),
    entry('stock', 'Stock', 'K'),
    entry('sync', 'Sync', 'D'),
  ],
  customer: [entry('portal', 'My account', 'M', 'portal.use')],
};
