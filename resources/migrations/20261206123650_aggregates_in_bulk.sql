-- Pages of events applied in bulk sum the dashboards' aggregates at their end (summingAtEnd,
-- core/analytics/aggregates.ts; decision 0035). Such a page marks each source table's highest
-- rowid in aggregate_marks and drops the aggregates' insert triggers until its end; its new rows
-- (above the marks) are then summed in one statement per table. These triggers, which take a
-- row's part back when it is deleted or moved, now do so only for a row at or below its table's
-- mark (every row, when there is no mark): a row above it was never counted. Deleting the row at
-- the mark lowers the mark to the row below, so a rowid SQLite gives out again is above it.
-- A table's parts come back in one trigger, so nothing depends on the order triggers fire in.
DROP TRIGGER sale_lines_from_sales_by_day;
--> statement-breakpoint
DROP TRIGGER sale_lines_from_sales_by_month;
--> statement-breakpoint
CREATE TRIGGER sale_lines_from_sales AFTER DELETE ON sale_lines
WHEN OLD.rowid <= coalesce((SELECT mark FROM aggregate_marks WHERE source = 'sale_lines'), OLD.rowid)
BEGIN
  UPDATE sales_by_day SET qty = qty - OLD.quantity, amount = amount - OLD.line_total, lines = lines - 1
  WHERE (day, branch_id, variant_id) =
    (SELECT s.day, s.branch_id, OLD.variant_id FROM sales s WHERE s.id = OLD.sale_id);
  DELETE FROM sales_by_day WHERE lines = 0 AND returned_lines = 0 AND (day, branch_id, variant_id) =
    (SELECT s.day, s.branch_id, OLD.variant_id FROM sales s WHERE s.id = OLD.sale_id);
  UPDATE sales_by_month SET qty = qty - OLD.quantity, amount = amount - OLD.line_total, lines = lines - 1
  WHERE (month, branch_id, variant_id) =
    (SELECT substr(s.day, 1, 7), s.branch_id, OLD.variant_id FROM sales s WHERE s.id = OLD.sale_id);
  DELETE FROM sales_by_month WHERE lines = 0 AND returned_lines = 0 AND (month, branch_id, variant_id) =
    (SELECT substr(s.day, 1, 7), s.branch_id, OLD.variant_id FROM sales s WHERE s.id = OLD.sale_id);
  UPDATE aggregate_marks SET mark = (SELECT coalesce(max(rowid), 0) FROM sale_lines WHERE rowid < OLD.rowid)
  WHERE source = 'sale_lines' AND mark = OLD.rowid;
END
--> statement-breakpoint
DROP TRIGGER sale_return_lines_from_sales_by_day;
--> statement-breakpoint
DROP TRIGGER sale_return_lines_from_sales_by_month;
--> statement-breakpoint
CREATE TRIGGER sale_return_lines_from_sales AFTER DELETE ON sale_return_lines
WHEN OLD.rowid <= coalesce((SELECT mark FROM aggregate_marks WHERE source = 'sale_return_lines'), OLD.rowid)
BEGIN
  UPDATE sales_by_day SET returned_qty = returned_qty - OLD.quantity,
    returned_amount = returned_amount - OLD.amount, returned_lines = returned_lines - 1
  WHERE (day, branch_id, variant_id) =
    (SELECT r.day, r.branch_id, OLD.variant_id FROM sale_returns r WHERE r.id = OLD.return_id);
  DELETE FROM sales_by_day WHERE lines = 0 AND returned_lines = 0 AND (day, branch_id, variant_id) =
    (SELECT r.day, r.branch_id, OLD.variant_id FROM sale_returns r WHERE r.id = OLD.return_id);
  UPDATE sales_by_month SET returned_qty = returned_qty - OLD.quantity,
    returned_amount = returned_amount - OLD.amount, returned_lines = returned_lines - 1
  WHERE (month, branch_id, variant_id) =
    (SELECT substr(r.day, 1, 7), r.branch_id, OLD.variant_id FROM sale_returns r WHERE r.id = OLD.return_id);
  DELETE FROM sales_by_month WHERE lines = 0 AND returned_lines = 0 AND (month, branch_id, variant_id) =
    (SELECT substr(r.day, 1, 7), r.branch_id, OLD.variant_id FROM sale_returns r WHERE r.id = OLD.return_id);
  UPDATE aggregate_marks SET mark = (SELECT coalesce(max(rowid), 0) FROM sale_return_lines WHERE rowid < OLD.rowid)
  WHERE source = 'sale_return_lines' AND mark = OLD.rowid;
END
--> statement-breakpoint
DROP TRIGGER sale_payments_from_received;
--> statement-breakpoint
CREATE TRIGGER sale_payments_from_received AFTER DELETE ON sale_payments
WHEN OLD.rowid <= coalesce((SELECT mark FROM aggregate_marks WHERE source = 'sale_payments'), OLD.rowid)
BEGIN
  UPDATE received_by_day SET amount = amount - (OLD.amount), payments = payments - 1
  WHERE (day, branch_id, source) = (SELECT s.day, s.branch_id, 'sale:' || OLD.method FROM sales s WHERE s.id = OLD.sale_id);
  DELETE FROM received_by_day WHERE payments = 0
    AND (day, branch_id, source) = (SELECT s.day, s.branch_id, 'sale:' || OLD.method FROM sales s WHERE s.id = OLD.sale_id);
  UPDATE aggregate_marks SET mark = (SELECT coalesce(max(rowid), 0) FROM sale_payments WHERE rowid < OLD.rowid)
  WHERE source = 'sale_payments' AND mark = OLD.rowid;
END
--> statement-breakpoint
DROP TRIGGER sale_refunds_from_received;
--> statement-breakpoint
CREATE TRIGGER sale_refunds_from_received AFTER DELETE ON sale_refunds
WHEN OLD.rowid <= coalesce((SELECT mark FROM aggregate_marks WHERE source = 'sale_refunds'), OLD.rowid)
BEGIN
  UPDATE received_by_day SET amount = amount - (-OLD.amount), payments = payments - 1
  WHERE (day, branch_id, source) = (SELECT r.day, r.branch_id, 'refund:' || OLD.method FROM sale_returns r WHERE r.id = OLD.return_id);
  DELETE FROM received_by_day WHERE payments = 0
    AND (day, branch_id, source) = (SELECT r.day, r.branch_id, 'refund:' || OLD.method FROM sale_returns r WHERE r.id = OLD.return_id);
  UPDATE aggregate_marks SET mark = (SELECT coalesce(max(rowid), 0) FROM sale_refunds WHERE rowid < OLD.rowid)
  WHERE source = 'sale_refunds' AND mark = OLD.rowid;
END
--> statement-breakpoint
DROP TRIGGER order_payments_from_received;
--> statement-breakpoint
CREATE TRIGGER order_payments_from_received AFTER DELETE ON order_payments
WHEN OLD.rowid <= coalesce((SELECT mark FROM aggregate_marks WHERE source = 'order_payments'), OLD.rowid)
BEGIN
  UPDATE received_by_day SET amount = amount - (OLD.amount), payments = payments - 1
  WHERE (day, branch_id, source) = (SELECT CASE WHEN OLD.received_on <> '' THEN OLD.received_on ELSE o.day END, o.shop_id, 'order' FROM orders o WHERE o.id = OLD.order_id);
  DELETE FROM received_by_day WHERE payments = 0
    AND (day, branch_id, source) = (SELECT CASE WHEN OLD.received_on <> '' THEN OLD.received_on ELSE o.day END, o.shop_id, 'order' FROM orders o WHERE o.id = OLD.order_id);
  UPDATE aggregate_marks SET mark = (SELECT coalesce(max(rowid), 0) FROM order_payments WHERE rowid < OLD.rowid)
  WHERE source = 'order_payments' AND mark = OLD.rowid;
END
--> statement-breakpoint
DROP TRIGGER orders_from_orders_by_day;
--> statement-breakpoint
CREATE TRIGGER orders_from_orders_by_day AFTER DELETE ON orders
WHEN OLD.rowid <= coalesce((SELECT mark FROM aggregate_marks WHERE source = 'orders'), OLD.rowid)
BEGIN
  UPDATE orders_by_day SET orders = orders - 1, amount = amount - OLD.total, lines = lines - OLD.line_count,
    paid = paid - (OLD.paid_at IS NOT NULL),
    paid_ms = paid_ms - CASE WHEN OLD.paid_at IS NOT NULL THEN max(0, OLD.paid_at - OLD.placed_at) ELSE 0 END,
    dispatched = dispatched - (OLD.paid_at IS NOT NULL AND OLD.dispatched_at IS NOT NULL),
    dispatched_ms = dispatched_ms - CASE WHEN OLD.paid_at IS NOT NULL AND OLD.dispatched_at IS NOT NULL THEN max(0, OLD.dispatched_at - OLD.paid_at) ELSE 0 END,
    delivered = delivered - (OLD.dispatched_at IS NOT NULL AND OLD.delivered_at IS NOT NULL),
    delivered_ms = delivered_ms - CASE WHEN OLD.dispatched_at IS NOT NULL AND OLD.delivered_at IS NOT NULL THEN max(0, OLD.delivered_at - OLD.dispatched_at) ELSE 0 END
  WHERE day = OLD.day AND shop_id = OLD.shop_id AND factory_id = OLD.factory_id AND status = OLD.status;
  DELETE FROM orders_by_day WHERE orders = 0
    AND day = OLD.day AND shop_id = OLD.shop_id AND factory_id = OLD.factory_id AND status = OLD.status;
  UPDATE aggregate_marks SET mark = (SELECT coalesce(max(rowid), 0) FROM orders WHERE rowid < OLD.rowid)
  WHERE source = 'orders' AND mark = OLD.rowid;
END
--> statement-breakpoint
DROP TRIGGER production_from_production_by_day;
--> statement-breakpoint
CREATE TRIGGER production_from_production_by_day AFTER DELETE ON production_batches
WHEN OLD.rowid <= coalesce((SELECT mark FROM aggregate_marks WHERE source = 'production_batches'), OLD.rowid)
BEGIN
  UPDATE production_by_day SET qty = qty - OLD.quantity, batches = batches - 1
  WHERE day = OLD.produced_on AND branch_id = OLD.branch_id AND variant_id = OLD.variant_id;
  DELETE FROM production_by_day WHERE batches = 0
    AND day = OLD.produced_on AND branch_id = OLD.branch_id AND variant_id = OLD.variant_id;
  UPDATE aggregate_marks SET mark = (SELECT coalesce(max(rowid), 0) FROM production_batches WHERE rowid < OLD.rowid)
  WHERE source = 'production_batches' AND mark = OLD.rowid;
END
--> statement-breakpoint
DROP TRIGGER customer_account_from_received;
--> statement-breakpoint
CREATE TRIGGER customer_account_from_received AFTER DELETE ON customer_account
WHEN OLD.rowid <= coalesce((SELECT mark FROM aggregate_marks WHERE source = 'customer_account'), OLD.rowid)
BEGIN
  UPDATE received_by_day SET amount = amount - (-OLD.amount), payments = payments - 1
  WHERE OLD.kind IN ('collection', 'payment') AND day = OLD.day AND branch_id = OLD.branch_id
    AND source = 'account:' || coalesce(OLD.method, 'other');
  DELETE FROM received_by_day WHERE OLD.kind IN ('collection', 'payment') AND payments = 0
    AND day = OLD.day AND branch_id = OLD.branch_id
    AND source = 'account:' || coalesce(OLD.method, 'other');
  UPDATE aggregate_marks SET mark = (SELECT coalesce(max(rowid), 0) FROM customer_account WHERE rowid < OLD.rowid)
  WHERE source = 'customer_account' AND mark = OLD.rowid;
END
--> statement-breakpoint
DROP TRIGGER orders_moved_in_orders_by_day;
--> statement-breakpoint
CREATE TRIGGER orders_moved_in_orders_by_day AFTER UPDATE OF day, shop_id, factory_id, status, total,
  line_count, placed_at, paid_at, dispatched_at, delivered_at ON orders
WHEN OLD.rowid <= coalesce((SELECT mark FROM aggregate_marks WHERE source = 'orders'), OLD.rowid)
BEGIN
  UPDATE orders_by_day SET orders = orders - 1, amount = amount - OLD.total, lines = lines - OLD.line_count,
    paid = paid - (OLD.paid_at IS NOT NULL),
    paid_ms = paid_ms - CASE WHEN OLD.paid_at IS NOT NULL THEN max(0, OLD.paid_at - OLD.placed_at) ELSE 0 END,
    dispatched = dispatched - (OLD.paid_at IS NOT NULL AND OLD.dispatched_at IS NOT NULL),
    dispatched_ms = dispatched_ms - CASE WHEN OLD.paid_at IS NOT NULL AND OLD.dispatched_at IS NOT NULL THEN max(0, OLD.dispatched_at - OLD.paid_at) ELSE 0 END,
    delivered = delivered - (OLD.dispatched_at IS NOT NULL AND OLD.delivered_at IS NOT NULL),
    delivered_ms = delivered_ms - CASE WHEN OLD.dispatched_at IS NOT NULL AND OLD.delivered_at IS NOT NULL THEN max(0, OLD.delivered_at - OLD.dispatched_at) ELSE 0 END
  WHERE day = OLD.day AND shop_id = OLD.shop_id AND factory_id = OLD.factory_id AND status = OLD.status;
  DELETE FROM orders_by_day WHERE orders = 0
    AND day = OLD.day AND shop_id = OLD.shop_id AND factory_id = OLD.factory_id AND status = OLD.status;
  INSERT INTO orders_by_day (day, shop_id, factory_id, status, orders, amount, lines, paid, paid_ms, dispatched, dispatched_ms, delivered, delivered_ms)
  VALUES (NEW.day, NEW.shop_id, NEW.factory_id, NEW.status, 1, NEW.total, NEW.line_count,
    NEW.paid_at IS NOT NULL, CASE WHEN NEW.paid_at IS NOT NULL THEN max(0, NEW.paid_at - NEW.placed_at) ELSE 0 END,
    NEW.paid_at IS NOT NULL AND NEW.dispatched_at IS NOT NULL,
    CASE WHEN NEW.paid_at IS NOT NULL AND NEW.dispatched_at IS NOT NULL THEN max(0, NEW.dispatched_at - NEW.paid_at) ELSE 0 END,
    NEW.dispatched_at IS NOT NULL AND NEW.delivered_at IS NOT NULL,
    CASE WHEN NEW.dispatched_at IS NOT NULL AND NEW.delivered_at IS NOT NULL THEN max(0, NEW.delivered_at - NEW.dispatched_at) ELSE 0 END)
  ON CONFLICT (day, shop_id, factory_id, status) DO UPDATE SET
    orders = orders + 1, amount = amount + excluded.amount, lines = lines + excluded.lines,
    paid = paid + excluded.paid, paid_ms = paid_ms + excluded.paid_ms,
    dispatched = dispatched + excluded.dispatched, dispatched_ms = dispatched_ms + excluded.dispatched_ms,
    delivered = delivered + excluded.delivered, delivered_ms = delivered_ms + excluded.delivered_ms;
END
--> statement-breakpoint
DROP TRIGGER sales_out;
--> statement-breakpoint
CREATE TRIGGER sales_out BEFORE DELETE ON sales
BEGIN
  DELETE FROM sale_lines WHERE sale_id = OLD.id;
  DELETE FROM sale_payments WHERE sale_id = OLD.id;
  UPDATE sales_by_hour SET tickets = tickets - 1, amount = amount - OLD.total
  WHERE OLD.rowid <= coalesce((SELECT mark FROM aggregate_marks WHERE source = 'sales'), OLD.rowid)
    AND day = OLD.day AND hour = OLD.hour AND branch_id = OLD.branch_id;
  DELETE FROM sales_by_hour WHERE tickets = 0 AND returns = 0
    AND day = OLD.day AND hour = OLD.hour AND branch_id = OLD.branch_id;
  UPDATE aggregate_marks SET mark = (SELECT coalesce(max(rowid), 0) FROM sales WHERE rowid < OLD.rowid)
  WHERE source = 'sales' AND mark = OLD.rowid;
END
--> statement-breakpoint
DROP TRIGGER sale_returns_out;
--> statement-breakpoint
CREATE TRIGGER sale_returns_out BEFORE DELETE ON sale_returns
BEGIN
  DELETE FROM sale_return_lines WHERE return_id = OLD.id;
  DELETE FROM sale_refunds WHERE return_id = OLD.id;
  UPDATE sales_by_hour SET returns = returns - 1, returned_amount = returned_amount - OLD.amount
  WHERE OLD.rowid <= coalesce((SELECT mark FROM aggregate_marks WHERE source = 'sale_returns'), OLD.rowid)
    AND day = OLD.day AND hour = OLD.hour AND branch_id = OLD.branch_id;
  DELETE FROM sales_by_hour WHERE tickets = 0 AND returns = 0
    AND day = OLD.day AND hour = OLD.hour AND branch_id = OLD.branch_id;
  UPDATE aggregate_marks SET mark = (SELECT coalesce(max(rowid), 0) FROM sale_returns WHERE rowid < OLD.rowid)
  WHERE source = 'sale_returns' AND mark = OLD.rowid;
END
