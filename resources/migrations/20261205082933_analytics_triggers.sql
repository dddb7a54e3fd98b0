-- The dashboards' aggregates (decision 0035), kept by the database itself from the rows the
-- projections write, in the same transaction, as stock balances are. Every source row adds its
-- part when written and takes it back when deleted (only a re-fold deletes them), so the sums
-- always equal a recount. A header's delete takes its lines with it first, while the header
-- (day, branch) is still there to say where they were counted. A row left with nothing is gone.
UPDATE sale_return_lines SET variant_id = coalesce((SELECT l.variant_id FROM sale_returns r
  JOIN sale_lines l ON l.sale_id = r.sale_id AND l.line_no = sale_return_lines.line_no
  WHERE r.id = sale_return_lines.return_id), '')
--> statement-breakpoint
CREATE TRIGGER sale_lines_to_sales_by_day AFTER INSERT ON sale_lines
BEGIN
  INSERT INTO sales_by_day (day, branch_id, variant_id, qty, amount, lines)
  SELECT s.day, s.branch_id, NEW.variant_id, NEW.quantity, NEW.line_total, 1
  FROM sales s WHERE s.id = NEW.sale_id
  ON CONFLICT (day, branch_id, variant_id) DO UPDATE SET
    qty = qty + excluded.qty, amount = amount + excluded.amount, lines = lines + 1;
END
--> statement-breakpoint
CREATE TRIGGER sale_lines_from_sales_by_day AFTER DELETE ON sale_lines
BEGIN
  UPDATE sales_by_day SET qty = qty - OLD.quantity, amount = amount - OLD.line_total, lines = lines - 1
  WHERE (day, branch_id, variant_id) =
    (SELECT s.day, s.branch_id, OLD.variant_id FROM sales s WHERE s.id = OLD.sale_id);
  DELETE FROM sales_by_day WHERE lines = 0 AND returned_lines = 0 AND (day, branch_id, variant_id) =
    (SELECT s.day, s.branch_id, OLD.variant_id FROM sales s WHERE s.id = OLD.sale_id);
END
--> statement-breakpoint
CREATE TRIGGER sale_return_lines_to_sales_by_day AFTER INSERT ON sale_return_lines
BEGIN
  INSERT INTO sales_by_day (day, branch_id, variant_id, returned_qty, returned_amount, returned_lines)
  SELECT r.day, r.branch_id, NEW.variant_id, NEW.quantity, NEW.amount, 1
  FROM sale_returns r WHERE r.id = NEW.return_id
  ON CONFLICT (day, branch_id, variant_id) DO UPDATE SET
    returned_qty = returned_qty + excluded.returned_qty,
    returned_amount = returned_amount + excluded.returned_amount,
    returned_lines = returned_lines + 1;
END
--> statement-breakpoint
CREATE TRIGGER sale_return_lines_from_sales_by_day AFTER DELETE ON sale_return_lines
BEGIN
  UPDATE sales_by_day SET returned_qty = returned_qty - OLD.quantity,
    returned_amount = returned_amount - OLD.amount, returned_lines = returned_lines - 1
  WHERE (day, branch_id, variant_id) =
    (SELECT r.day, r.branch_id, OLD.variant_id FROM sale_returns r WHERE r.id = OLD.return_id);
  DELETE FROM sales_by_day WHERE lines = 0 AND returned_lines = 0 AND (day, branch_id, variant_id) =
    (SELECT r.day, r.branch_id, OLD.variant_id FROM sale_returns r WHERE r.id = OLD.return_id);
END
--> statement-breakpoint
CREATE TRIGGER sale_lines_to_sales_by_month AFTER INSERT ON sale_lines
BEGIN
  INSERT INTO sales_by_month (month, branch_id, variant_id, qty, amount, lines)
  SELECT substr(s.day, 1, 7), s.branch_id, NEW.variant_id, NEW.quantity, NEW.line_total, 1
  FROM sales s WHERE s.id = NEW.sale_id
  ON CONFLICT (month, branch_id, variant_id) DO UPDATE SET
    qty = qty + excluded.qty, amount = amount + excluded.amount, lines = lines + 1;
END
--> statement-breakpoint
CREATE TRIGGER sale_lines_from_sales_by_month AFTER DELETE ON sale_lines
BEGIN
  UPDATE sales_by_month SET qty = qty - OLD.quantity, amount = amount - OLD.line_total, lines = lines - 1
  WHERE (month, branch_id, variant_id) =
    (SELECT substr(s.day, 1, 7), s.branch_id, OLD.variant_id FROM sales s WHERE s.id = OLD.sale_id);
  DELETE FROM sales_by_month WHERE lines = 0 AND returned_lines = 0 AND (month, branch_id, variant_id) =
    (SELECT substr(s.day, 1, 7), s.branch_id, OLD.variant_id FROM sales s WHERE s.id = OLD.sale_id);
END
--> statement-breakpoint
CREATE TRIGGER sale_return_lines_to_sales_by_month AFTER INSERT ON sale_return_lines
BEGIN
  INSERT INTO sales_by_month (month, branch_id, variant_id, returned_qty, returned_amount, returned_lines)
  SELECT substr(r.day, 1, 7), r.branch_id, NEW.variant_id, NEW.quantity, NEW.amount, 1
  FROM sale_returns r WHERE r.id = NEW.return_id
  ON CONFLICT (month, branch_id, variant_id) DO UPDATE SET
    returned_qty = returned_qty + excluded.returned_qty,
    returned_amount = returned_amount + excluded.returned_amount,
    returned_lines = returned_lines + 1;
END
--> statement-breakpoint
CREATE TRIGGER sale_return_lines_from_sales_by_month AFTER DELETE ON sale_return_lines
BEGIN
  UPDATE sales_by_month SET returned_qty = returned_qty - OLD.quantity,
    returned_amount = returned_amount - OLD.amount, returned_lines = returned_lines - 1
  WHERE (month, branch_id, variant_id) =
    (SELECT substr(r.day, 1, 7), r.branch_id, OLD.variant_id FROM sale_returns r WHERE r.id = OLD.return_id);
  DELETE FROM sales_by_month WHERE lines = 0 AND returned_lines = 0 AND (month, branch_id, variant_id) =
    (SELECT substr(r.day, 1, 7), r.branch_id, OLD.variant_id FROM sale_returns r WHERE r.id = OLD.return_id);
END
--> statement-breakpoint
CREATE TRIGGER sales_to_sales_by_hour AFTER INSERT ON sales
BEGIN
  INSERT INTO sales_by_hour (day, hour, branch_id, tickets, amount)
  VALUES (NEW.day, NEW.hour, NEW.branch_id, 1, NEW.total)
  ON CONFLICT (day, hour, branch_id) DO UPDATE SET
    tickets = tickets + 1, amount = amount + excluded.amount;
END
--> statement-breakpoint
CREATE TRIGGER sales_out BEFORE DELETE ON sales
BEGIN
  DELETE FROM sale_lines WHERE sale_id = OLD.id;
  DELETE FROM sale_payments WHERE sale_id = OLD.id;
  UPDATE sales_by_hour SET tickets = tickets - 1, amount = amount - OLD.total
  WHERE day = OLD.day AND hour = OLD.hour AND branch_id = OLD.branch_id;
  DELETE FROM sales_by_hour WHERE tickets = 0 AND returns = 0
    AND day = OLD.day AND hour = OLD.hour AND branch_id = OLD.branch_id;
END
--> statement-breakpoint
CREATE TRIGGER sale_returns_to_sales_by_hour AFTER INSERT ON sale_returns
BEGIN
  INSERT INTO sales_by_hour (day, hour, branch_id, returns, returned_amount)
  VALUES (NEW.day, NEW.hour, NEW.branch_id, 1, NEW.amount)
  ON CONFLICT (day, hour, branch_id) DO UPDATE SET
    returns = returns + 1, returned_amount = returned_amount + excluded.returned_amount;
END
--> statement-breakpoint
CREATE TRIGGER sale_returns_out BEFORE DELETE ON sale_returns
BEGIN
  DELETE FROM sale_return_lines WHERE return_id = OLD.id;
  DELETE FROM sale_refunds WHERE return_id = OLD.id;
  UPDATE sales_by_hour SET returns = returns - 1, returned_amount = returned_amount - OLD.amount
  WHERE day = OLD.day AND hour = OLD.hour AND branch_id = OLD.branch_id;
  DELETE FROM sales_by_hour WHERE tickets = 0 AND returns = 0
    AND day = OLD.day AND hour = OLD.hour AND branch_id = OLD.branch_id;
END
--> statement-breakpoint
CREATE TRIGGER sale_payments_to_received AFTER INSERT ON sale_payments
BEGIN
  INSERT INTO received_by_day (day, branch_id, source, amount, payments)
  SELECT s.day, s.branch_id, 'sale:' || NEW.method, NEW.amount, 1
  FROM sales s WHERE s.id = NEW.sale_id
  ON CONFLICT (day, branch_id, source) DO UPDATE SET
    amount = amount + excluded.amount, payments = payments + 1;
END
--> statement-breakpoint
CREATE TRIGGER sale_payments_from_received AFTER DELETE ON sale_payments
BEGIN
  UPDATE received_by_day SET amount = amount - (OLD.amount), payments = payments - 1
  WHERE (day, branch_id, source) = (SELECT s.day, s.branch_id, 'sale:' || OLD.method FROM sales s WHERE s.id = OLD.sale_id);
  DELETE FROM received_by_day WHERE payments = 0
    AND (day, branch_id, source) = (SELECT s.day, s.branch_id, 'sale:' || OLD.method FROM sales s WHERE s.id = OLD.sale_id);
END
--> statement-breakpoint
CREATE TRIGGER sale_refunds_to_received AFTER INSERT ON sale_refunds
BEGIN
  INSERT INTO received_by_day (day, branch_id, source, amount, payments)
  SELECT r.day, r.branch_id, 'refund:' || NEW.method, -NEW.amount, 1
  FROM sale_returns r WHERE r.id = NEW.return_id
  ON CONFLICT (day, branch_id, source) DO UPDATE SET
    amount = amount + excluded.amount, payments = payments + 1;
END
--> statement-breakpoint
CREATE TRIGGER sale_refunds_from_received AFTER DELETE ON sale_refunds
BEGIN
  UPDATE received_by_day SET amount = amount - (-OLD.amount), payments = payments - 1
  WHERE (day, branch_id, source) = (SELECT r.day, r.branch_id, 'refund:' || OLD.method FROM sale_returns r WHERE r.id = OLD.return_id);
  DELETE FROM received_by_day WHERE payments = 0
    AND (day, branch_id, source) = (SELECT r.day, r.branch_id, 'refund:' || OLD.method FROM sale_returns r WHERE r.id = OLD.return_id);
END
--> statement-breakpoint
CREATE TRIGGER order_payments_to_received AFTER INSERT ON order_payments
BEGIN
  INSERT INTO received_by_day (day, branch_id, source, amount, payments)
  SELECT CASE WHEN NEW.received_on <> '' THEN NEW.received_on ELSE o.day END, o.shop_id, 'order', NEW.amount, 1
  FROM orders o WHERE o.id = NEW.order_id
  ON CONFLICT (day, branch_id, source) DO UPDATE SET
    amount = amount + excluded.amount, payments = payments + 1;
END
--> statement-breakpoint
CREATE TRIGGER order_payments_from_received AFTER DELETE ON order_payments
BEGIN
  UPDATE received_by_day SET amount = amount - (OLD.amount), payments = payments - 1
  WHERE (day, branch_id, source) = (SELECT CASE WHEN OLD.received_on <> '' THEN OLD.received_on ELSE o.day END, o.shop_id, 'order' FROM orders o WHERE o.id = OLD.order_id);
  DELETE FROM received_by_day WHERE payments = 0
    AND (day, branch_id, source) = (SELECT CASE WHEN OLD.received_on <> '' THEN OLD.received_on ELSE o.day END, o.shop_id, 'order' FROM orders o WHERE o.id = OLD.order_id);
END
--> statement-breakpoint
CREATE TRIGGER orders_to_orders_by_day AFTER INSERT ON orders
BEGIN
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
CREATE TRIGGER orders_moved_in_orders_by_day AFTER UPDATE OF day, shop_id, factory_id, status, total,
  line_count, placed_at, paid_at, dispatched_at, delivered_at ON orders
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
CREATE TRIGGER orders_out BEFORE DELETE ON orders
BEGIN
  DELETE FROM order_payments WHERE order_id = OLD.id;
END
--> statement-breakpoint
CREATE TRIGGER orders_from_orders_by_day AFTER DELETE ON orders
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
END
--> statement-breakpoint
CREATE TRIGGER production_to_production_by_day AFTER INSERT ON production_batches
BEGIN
  INSERT INTO production_by_day (day, branch_id, variant_id, qty, batches)
  VALUES (NEW.produced_on, NEW.branch_id, NEW.variant_id, NEW.quantity, 1)
  ON CONFLICT (day, branch_id, variant_id) DO UPDATE SET
    qty = qty + excluded.qty, batches = batches + 1;
END
--> statement-breakpoint
CREATE TRIGGER production_from_production_by_day AFTER DELETE ON production_batches
BEGIN
  UPDATE production_by_day SET qty = qty - OLD.quantity, batches = batches - 1
  WHERE day = OLD.produced_on AND branch_id = OLD.branch_id AND variant_id = OLD.variant_id;
  DELETE FROM production_by_day WHERE batches = 0
    AND day = OLD.produced_on AND branch_id = OLD.branch_id AND variant_id = OLD.variant_id;
END
