export const roles = [
  'admin',
  'factory_clerk',
  'shop_clerk',
  'finance',
  'sales_rep',
  'driver',
  'customer',
] as const;
export type Role = (typeof roles)[number];

const staff = ['admin', 'factory_clerk', 'shop_clerk', 'finance', 'sales_rep', 'driver'] as const;

/** What each permission allows, by role. The core checks these on every call, not only the UI. */
export const permissions = {
  'users.manage': ['admin'],
  'branches.manage': ['admin'],
  'catalog.manage': ['admin'],
  'catalog.read': [...staff],
  'stock.read': [...staff],
  'stock.adjust': ['admin', 'factory_clerk', 'shop_clerk'],
  'stock.transfer': ['admin', 'factory_clerk'],
  'production.record': ['admin', 'factory_clerk'],
  'orders.read': [...staff],
  'orders.place': ['admin', 'shop_clerk', 'sales_rep'],
  'orders.attachSlip': ['admin', 'shop_clerk'],
  'orders.verifyPayment': ['admin', 'finance'],
  'orders.dispatch': ['admin', 'factory_clerk'],
  'orders.receive': ['admin', 'shop_clerk'],
  'orders.cancel': ['admin', 'shop_clerk'],
  'sales.record': ['admin', 'shop_clerk', 'sales_rep'],
  'customers.manage': ['admin', 'shop_clerk', 'sales_rep'],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof permissions;

/** What a permission lets a person do, in the words an error message uses. */
export const permissionPhrase: Record<Permission, string> = {
  'users.manage': 'manage users',
  'branches.manage': 'manage branches',
  'catalog.manage': 'change the catalog',
  'catalog.read': 'see the catalog',
  'stock.read': 'see stock',
  'stock.adjust': 'adjust stock',
  'stock.transfer': 'transfer stock between branches',
  'production.record': 'record production',
  'orders.read': 'see orders',
  'orders.place': 'place orders',
  'orders.attachSlip': 'attach payment slips',
  'orders.verifyPayment': 'verify or reject payments',
  'orders.dispatch': 'dispatch orders',
  'orders.receive': 'confirm deliveries',
  'orders.cancel': 'cancel orders',
  'sales.record': 'record counter sales',
  'customers.manage': 'manage customers',
};

export const roleLabel: Record<Role, string> = {
  admin: 'admin',
  factory_clerk: 'factory clerk',
  shop_clerk: 'shop clerk',
  finance: 'finance',
  sales_rep: 'sales rep',
  driver: 'driver',
  customer: 'customer',
};

export const roleHas = (role: Role, permission: Permission): boolean =>
  (permissions[permission] as readonly Role[]).includes(role);

/** Roles that work for every branch (head office); others act for their own branch only. */
export const crossBranchRoles: readonly Role[] = ['admin', 'finance'];
