-- Points balances are the running sum of the points ledger, kept by the database itself, as
-- stock balances are. The ledger is append-only except while sync re-folds an aggregate.
-- Customers' phone keys of rows saved before there were keys: digits only, the last 9.
UPDATE customers SET phone_key = substr(replace(replace(replace(replace(replace(phone, ' ', ''), '-', ''), '(', ''), ')', ''), '+', ''), -9)
WHERE phone IS NOT NULL;
--> statement-breakpoint
CREATE TRIGGER loyalty_movements_to_balance AFTER INSERT ON loyalty_movements
BEGIN
  INSERT INTO loyalty_balances (customer_id, points) VALUES (NEW.customer_id, NEW.points)
  ON CONFLICT (customer_id) DO UPDATE SET points = points + excluded.points;
END;
--> statement-breakpoint
CREATE TRIGGER loyalty_movements_no_update BEFORE UPDATE ON loyalty_movements
BEGIN
  SELECT RAISE(ABORT, 'points movements are append-only: record a reversing movement instead');
END;
--> statement-breakpoint
CREATE TRIGGER loyalty_movements_no_delete BEFORE DELETE ON loyalty_movements
WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'rebasing')
BEGIN
  SELECT RAISE(ABORT, 'points movements are append-only: record a reversing movement instead');
END;
--> statement-breakpoint
CREATE TRIGGER loyalty_movements_from_balance AFTER DELETE ON loyalty_movements
BEGIN
  UPDATE loyalty_balances SET points = points - OLD.points WHERE customer_id = OLD.customer_id;
END;
