-- Sync re-folds an order whose events arrived out of the server's order: its movements are
-- taken out and applied again in order, inside one transaction that marks itself in meta.
-- Anywhere else the ledger stays append-only.
DROP TRIGGER stock_movements_no_delete;
--> statement-breakpoint
CREATE TRIGGER stock_movements_no_delete BEFORE DELETE ON stock_movements
WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'rebasing')
BEGIN
  SELECT RAISE(ABORT, 'stock movements are append-only: record a reversing movement instead');
END;
--> statement-breakpoint
CREATE TRIGGER stock_movements_from_balance AFTER DELETE ON stock_movements
BEGIN
  UPDATE stock_balances SET
    on_hand = on_hand - OLD.on_hand,
    reserved = reserved - OLD.reserved,
    in_transit = in_transit - OLD.in_transit
  WHERE branch_id = OLD.branch_id AND variant_id = OLD.variant_id;
END;
