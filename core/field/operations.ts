// The field operations (decision 0034), spread into the one contract (core/contract/api.ts).
import { customerAccountQuery, recordCustomerPayment } from './account';
import {
  approveFieldOrder,
  cancelFieldOrder,
  confirmFieldOrder,
  placeFieldOrder,
  returnFieldOrder,
} from './orders';
import { fieldCommission, fieldCustomers, fieldOrder, fieldOrders, fieldPrices } from './queries';
import { listPriceLists, saveCustomerTerms, savePriceList } from './terms';

export const fieldOperations = {
  'priceLists.list': listPriceLists,
  'priceLists.save': savePriceList,
  'customers.saveTerms': saveCustomerTerms,
  'field.customers': fieldCustomers,
  'field.prices': fieldPrices,
  'field.placeOrder': placeFieldOrder,
  'field.confirmOrder': confirmFieldOrder,
  'field.approveOrder': approveFieldOrder,
  'field.cancelOrder': cancelFieldOrder,
  'field.returnOrder': returnFieldOrder,
  'field.orders': fieldOrders,
  'field.order': fieldOrder,
  'field.recordPayment': recordCustomerPayment,
  'field.account': customerAccountQuery,
  'field.commission': fieldCommission,
} as const;
