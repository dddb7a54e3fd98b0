// The portal operations (decision 0034), spread into the one contract (core/contract/api.ts).
// A customer signs in at head office and sees their catalog, orders, deliveries and account;
// the customer is always the signed-in user's (portalCustomer), never an input.
import { z } from 'zod';
import { command, query } from '../contract/define';
import { id, optionalText, quantity, text } from '../contract/fields';
import { DomainError } from '../errors';
import { portalCustomer, portalStatus } from './access';
import { portalPlaceOrder, portalDeliveryNote } from './orders';
import { portalAccount, portalCatalog, portalOrder, portalOrders } from './queries';

const notYours = () =>
  new DomainError(
    'NOT_FOUND',
    'orderId: you have no order with this id. Pick one of your orders.',
    {
      field: 'orderId',
    },
  );

export const portalOperations = {
  'portal.status': query({
    access: 'public',
    input: z.object({}),
    handler: (ctx) => portalStatus(ctx),
  }),
  'portal.catalog': query({
    access: 'portal.use',
    input: z.object({ search: text(100).optional() }),
    handler: (ctx, input) => portalCatalog(ctx, portalCustomer(ctx), input.search),
  }),
  'portal.orders': query({
    access: 'portal.use',
    input: z.object({}),
    handler: (ctx) => portalOrders(ctx.db, portalCustomer(ctx).id),
  }),
  'portal.order': query({
    access: 'portal.use',
    input: z.object({ orderId: id }),
    handler: (ctx, input) => {
      const order = portalOrder(ctx.db, portalCustomer(ctx).id, input.orderId);
      if (!order) throw notYours();
      return order;
    },
  }),
  'portal.deliveryNote': query({
    access: 'portal.use',
    input: z.object({ orderId: id }),
    handler: async (ctx, input) => {
      const order = portalOrder(ctx.db, portalCustomer(ctx).id, input.orderId);
      if (!order) throw notYours();
      return portalDeliveryNote(ctx, order);
    },
  }),
  'portal.account': query({
    access: 'portal.use',
    input: z.object({}),
    handler: (ctx) => portalAccount(ctx.db, portalCustomer(ctx).id, ctx.now()),
  }),
  'portal.placeOrder': command({
    access: 'portal.use',
    input: z.object({
      lines: z
        .array(z.object({ variantId: id, quantity }))
        .min(1, 'must have at least one line: choose what to order')
        .max(200, 'must have at most 200 lines'),
      note: optionalText(500),
    }),
    handler: (ctx, input) => portalPlaceOrder(ctx, portalCustomer(ctx), input),
  }),
} as const;
