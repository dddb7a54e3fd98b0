-- Customers' payments on their accounts (at the branch, or collected on a delivery) are money
-- received (decision 0035): kept in received_by_day as 'account:<method>' on the payment's company
-- day, at its branch, by the same add-on-insert, take-back-on-delete triggers as the others. Rows
-- written before this have no day yet; the app fills their days and recounts once on opening.
CREATE TRIGGER customer_account_to_received AFTER INSERT ON customer_account
WHEN NEW.kind IN ('collection', 'payment')
BEGIN
  INSERT INTO received_by_day (day, branch_id, source, amount, payments)
  VALUES (NEW.day, NEW.branch_id, 'account:' || coalesce(NEW.method, 'other'), -NEW.amount, 1)
  ON CONFLICT (day, branch_id, source) DO UPDATE SET
    amount = amount + excluded.amount, payments = payments + 1;
END
--> statement-breakpoint
CREATE TRIGGER customer_account_from_received AFTER DELETE ON customer_account
WHEN OLD.kind IN ('collection', 'payment')
BEGIN
  UPDATE received_by_day SET amount = amount - (-OLD.amount), payments = payments - 1
  WHERE day = OLD.day AND branch_id = OLD.branch_id
    AND source = 'account:' || coalesce(OLD.method, 'other');
  DELETE FROM received_by_day WHERE payments = 0 AND day = OLD.day AND branch_id = OLD.branch_id
    AND source = 'account:' || coalesce(OLD.method, 'other');
END
