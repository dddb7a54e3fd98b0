-- Stock balances are the running sum of the movement ledger, kept by the database itself
-- so that no code path (local command or sync apply) can update one without the other.
CREATE TRIGGER stock_movements_to_balance AFTER INSERT ON stock_movements
BEGIN
  INSERT INTO stock_balances (branch_id, variant_id, on_hand, reserved, in_transit)
  VALUES (NEW.branch_id, NEW.variant_id, NEW.on_hand, NEW.reserved, NEW.in_transit)
  ON CONFLICT (branch_id, variant_id) DO UPDATE SET
    on_hand = on_hand + excluded.on_hand,
    reserved = reserved + excluded.reserved,
    in_transit = in_transit + excluded.in_transit;
END;
--> statement-breakpoint
CREATE TRIGGER stock_movements_no_update BEFORE UPDATE ON stock_movements
BEGIN
  SELECT RAISE(ABORT, 'stock movements are append-only: record a reversing movement instead');
END;
--> statement-breakpoint
CREATE TRIGGER stock_movements_no_delete BEFORE DELETE ON stock_movements
BEGIN
  SELECT RAISE(ABORT, 'stock movements are append-only: record a reversing movement instead');
END;
