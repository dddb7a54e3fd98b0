// The one contract: every query, command and action by name (core/contract/define.ts says which
// is which). Transports and the renderer's client are typed from this map, so nothing can be
// called that does not exist, or with the wrong input.
import type { z } from 'zod';
import { changePassword, login, logout, me, setupInitialize, setupStatus } from '../auth/commands';
import { createUser, listDrivers, listUsers, updateUser } from '../auth/users';
import { createBranch, listBranches, updateBranch } from '../branches/commands';
import { companySettings, saveCompany } from '../locale/company';
import { setupLoadDemo } from '../demo/seed';
import { addVariant, createProduct, updateProduct, updateVariant } from '../catalog/commands';
import { findByCode, listCatalog, priceHistory } from '../catalog/queries';
import { importCatalog, importCustomers, importOpeningStock } from '../import/commands';
import { orderDocument } from '../orders/documents';
import { placeOrder } from '../orders/place';
import { getOrder, getSlip, listOrders } from '../orders/queries';
import {
  attachSlip,
  cancelBackorder,
  cancelOrder,
  confirmDelivery,
  dispatchOrder,
  rejectPayment,
  verifyPayment,
} from '../orders/steps';
import { listProduction, recordProduction, reverseProduction } from '../production/commands';
import { listSales, quoteSale, recordSale } from '../sales/commands';
import {
  createCustomer,
  customerSales,
  duplicateCustomers,
  findCustomer,
  listCustomers,
  updateCustomer,
} from '../sales/customers';
import { findSaleForReturn, quoteReturn, recordReturn } from '../sales/returns';
import { closeShift, currentShift, openShift, zReport } from '../sales/shifts';
import { zReportPdf } from '../sales/zreport-op';
import { saveSalesSettings, salesSettings } from '../sales/settings';
import { approveDiscount } from '../sales/approval';
import {
  adjustPoints,
  customerPoints,
  loyaltyProgram,
  mergeCustomers,
  overdrawnPoints,
  pointsHistory,
  runLoyalty,
  saveProgram,
} from '../loyalty/commands';
import { salesOfDay } from '../sales/list';
import {
  exchangeRates,
  saveExchangeRate,
  listReorderRules,
  listSupplierItems,
  listSuppliers,
  purchasingSettings,
  saveReorderRule,
  savePurchasingSettings,
  saveSupplier,
  saveSupplierItem,
  supplierItemPrices,
} from '../purchasing/suppliers';
import {
  approvePurchaseOrder,
  closePurchaseOrder,
  draftPurchaseOrder,
  getPurchaseOrder,
  listPurchaseOrders,
  receivePurchaseOrder,
  revisePurchaseOrder,
} from '../purchasing/orders';
import { purchaseOrderPdf } from '../purchasing/po-op';
import { listRuns, refit, runReorder } from '../purchasing/run';
import { costHistory } from '../purchasing/costs';
import {
  getInvoice,
  invoiceFile,
  invoicePage,
  listInvoices,
  postInvoice,
  readInvoice,
  reverseInvoice,
  uploadInvoice,
} from '../invoices/operations';
import { adjustForecast, seriesForecast } from '../purchasing/adjust';
import { aiSaveSettings, aiSettings, aiTest } from '../ai/operations';
import { getPrinterSettings, savePrinterSettings } from '../receipts/printer-settings';
import { printReceipt, printZReport, retryReceipts, waitingReceipts } from '../receipts/queue';
import {
  adjustStock,
  listMovements,
  listStock,
  stockBalance,
  transferStock,
  receiveTransfer,
  listTransfers,
  startCount,
  countSheet,
  listCounts,
  postCount,
  heldCounts,
  chooseCount,
} from '../stock/commands';
import { listConflicts, resolveConflict } from '../conflicts/commands';
import {
  branchSyncState,
  createEnrollmentCode,
  listDevices,
  revokeDevice,
  syncEnroll,
  syncRepin,
  createRepinCode,
  syncNow,
  syncStatus,
} from '../sync/operations';
import {
  telegramGroupsLink,
  telegramGroupsList,
  telegramLinkCode,
  telegramLogList,
  telegramSettingsGet,
  telegramSettingsSet,
} from '../telegram/operations';
import { createBackup, listBackups, restoreBackup } from '../backup/operations';
import { updatesConfigure, updatesStatus } from '../ops/updates';
import { fieldOperations } from '../field/operations';
import { tripOperations } from '../trips/operations';
import { badgeOperations } from '../badges/operations';
import { portalOperations } from '../portal/operations';
import { analyticsOperations } from '../analytics/operations';
import type { Operation, OperationKind } from './define';

export const operations = {
  'setup.status': setupStatus,
  'setup.initialize': setupInitialize,
  'setup.loadDemo': setupLoadDemo,
  'auth.login': login,
  'auth.logout': logout,
  'auth.me': me,
  'auth.changePassword': changePassword,
  'users.create': createUser,
  'users.update': updateUser,
  'users.list': listUsers,
  'users.drivers': listDrivers,
  'branches.create': createBranch,
  'branches.update': updateBranch,
  'branches.list': listBranches,
  'company.save': saveCompany,
  'company.settings': companySettings,
  'catalog.createProduct': createProduct,
  'catalog.updateProduct': updateProduct,
  'catalog.addVariant': addVariant,
  'catalog.updateVariant': updateVariant,
  'catalog.list': listCatalog,
  'catalog.findByCode': findByCode,
  'catalog.priceHistory': priceHistory,
  'import.catalog': importCatalog,
  'import.customers': importCustomers,
  'import.openingStock': importOpeningStock,
  'stock.balance': stockBalance,
  'stock.list': listStock,
  'stock.movements': listMovements,
  'stock.adjust': adjustStock,
  'stock.transfer': transferStock,
  'stock.receiveTransfer': receiveTransfer,
  'stock.transfers': listTransfers,
  'stock.startCount': startCount,
  'stock.countSheet': countSheet,
  'stock.counts': listCounts,
  'stock.postCount': postCount,
  'stock.heldCounts': heldCounts,
  'stock.chooseCount': chooseCount,
  'production.record': recordProduction,
  'production.reverse': reverseProduction,
  'production.list': listProduction,
  'orders.place': placeOrder,
  'orders.attachSlip': attachSlip,
  'orders.verifyPayment': verifyPayment,
  'orders.rejectPayment': rejectPayment,
  'orders.dispatch': dispatchOrder,
  'orders.confirmDelivery': confirmDelivery,
  'orders.cancel': cancelOrder,
  'orders.cancelBackorder': cancelBackorder,
  'orders.list': listOrders,
  'orders.get': getOrder,
  'orders.slip': getSlip,
  'orders.document': orderDocument,
  'sales.record': recordSale,
  'sales.quote': quoteSale,
  'sales.list': listSales,
  'sales.day': salesOfDay,
  // Receipts: this PC's printer and the receipts it still owes it (device-local, never synced).
  'receipts.print': printReceipt,
  'receipts.printZReport': printZReport,
  'receipts.waiting': waitingReceipts,
  'receipts.retry': retryReceipts,
  'receipts.printer': getPrinterSettings,
  'receipts.savePrinter': savePrinterSettings,
  'sales.approveDiscount': approveDiscount,
  'sales.settings': salesSettings,
  'sales.saveSettings': saveSalesSettings,
  'sales.findForReturn': findSaleForReturn,
  'sales.quoteReturn': quoteReturn,
  'sales.return': recordReturn,
  'shifts.current': currentShift,
  'shifts.open': openShift,
  'shifts.close': closeShift,
  'shifts.zReport': zReport,
  'shifts.zReportPdf': zReportPdf,
  'customers.create': createCustomer,
  'customers.update': updateCustomer,
  'customers.sales': customerSales,
  'customers.list': listCustomers,
  'customers.find': findCustomer,
  'customers.duplicates': duplicateCustomers,
  'customers.merge': mergeCustomers,
  'loyalty.program': loyaltyProgram,
  'loyalty.saveProgram': saveProgram,
  'loyalty.points': customerPoints,
  'loyalty.history': pointsHistory,
  'loyalty.adjust': adjustPoints,
  'loyalty.overdrawn': overdrawnPoints,
  'loyalty.run': runLoyalty,
  'suppliers.list': listSuppliers,
  'suppliers.save': saveSupplier,
  'supplierItems.list': listSupplierItems,
  'supplierItems.save': saveSupplierItem,
  'supplierItems.prices': supplierItemPrices,
  'reorderRules.list': listReorderRules,
  'reorderRules.save': saveReorderRule,
  'purchasing.settings': purchasingSettings,
  'purchasing.saveSettings': savePurchasingSettings,
  'purchasing.rates': exchangeRates,
  'purchasing.saveRate': saveExchangeRate,
  'purchases.list': listPurchaseOrders,
  'purchases.get': getPurchaseOrder,
  'purchases.draft': draftPurchaseOrder,
  'purchases.revise': revisePurchaseOrder,
  'purchases.approve': approvePurchaseOrder,
  'purchases.close': closePurchaseOrder,
  'purchases.receive': receivePurchaseOrder,
  'purchases.pdf': purchaseOrderPdf,
  'purchasing.run': runReorder,
  'purchasing.runs': listRuns,
  'purchasing.refit': refit,
  'purchasing.costHistory': costHistory,
  'purchasing.forecast': seriesForecast,
  'purchasing.adjustForecast': adjustForecast,
  'invoices.upload': uploadInvoice,
  'invoices.list': listInvoices,
  'invoices.get': getInvoice,
  'invoices.file': invoiceFile,
  'invoices.page': invoicePage,
  'invoices.read': readInvoice,
  'invoices.post': postInvoice,
  'invoices.reverse': reverseInvoice,
  'conflicts.list': listConflicts,
  'conflicts.resolve': resolveConflict,
  'sync.status': syncStatus,
  'sync.now': syncNow,
  'sync.enroll': syncEnroll,
  'sync.repin': syncRepin,
  'devices.enrollmentCode': createEnrollmentCode,
  'devices.list': listDevices,
  'devices.revoke': revokeDevice,
  'devices.repinCode': createRepinCode,
  'devices.syncState': branchSyncState,
  // Telegram (issue 5): served by head office's sync server.
  'telegram.settings.get': telegramSettingsGet,
  'telegram.settings.set': telegramSettingsSet,
  'telegram.groups.list': telegramGroupsList,
  'telegram.groups.link': telegramGroupsLink,
  'telegram.log.list': telegramLogList,
  'telegram.linkCode': telegramLinkCode,
  // Backups of this PC's (or head office's) databases, and head office's update feed.
  'backups.list': listBackups,
  'backups.create': createBackup,
  'backups.restore': restoreBackup,
  'updates.status': updatesStatus,
  'updates.configure': updatesConfigure,
  // The AI model (issue 14): set up at head office, used there only.
  'ai.settings': aiSettings,
  'ai.saveSettings': aiSaveSettings,
  'ai.test': aiTest,
  // On the road (issue 16, decision 0034): customers' orders, trips, badges, the portal.
  ...fieldOperations,
  ...tripOperations,
  ...badgeOperations,
  ...portalOperations,
  ...analyticsOperations,
} satisfies Record<string, Operation>;

export type Operations = typeof operations;
export type OperationName = keyof Operations;
/** The names of the operations of one kind: `NamesOf<'query'>` are those with no effects. */
export type NamesOf<K extends OperationKind> = {
  [N in OperationName]: Operations[N]['kind'] extends K ? N : never;
}[OperationName];
export type InputOf<N extends OperationName> = z.input<Operations[N]['input']>;
export type OutputOf<N extends OperationName> = Awaited<ReturnType<Operations[N]['handler']>>;

/** What every transport offers the renderer: call an operation by name with its input. */
export interface Client {
  call<N extends OperationName>(name: N, input: InputOf<N>): Promise<OutputOf<N>>;
}
