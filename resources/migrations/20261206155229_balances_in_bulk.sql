-- A page of events applied in bulk (summingAtEnd, core/analytics/aggregates.ts; decision 0035)
-- sums the stock balances at its end as it does the dashboards' aggregates: projections write the
-- ledger and never read a balance (commands do, outside any page). Taking a deleted movement back
-- (a re-fold rebasing an order) now happens only for a movement at or below the ledger's mark,
-- and deleting the movement at the mark lowers the mark, as for the aggregates' sources.
DROP TRIGGER stock_movements_from_balance;
--> statement-breakpoint
CREATE TRIGGER stock_movements_from_balance AFTER DELETE ON stock_movements
WHEN OLD.rowid <= coalesce((SELECT mark FROM aggregate_marks WHERE source = 'stock_movements'), OLD.rowid)
BEGIN
  UPDATE stock_balances SET
    on_hand = on_hand - OLD.on_hand,
    reserved = reserved - OLD.reserved,
    in_transit = in_transit - OLD.in_transit
  WHERE branch_id = OLD.branch_id AND variant_id = OLD.variant_id;
  UPDATE aggregate_marks SET mark = (SELECT coalesce(max(rowid), 0) FROM stock_movements WHERE rowid < OLD.rowid)
  WHERE source = 'stock_movements' AND mark = OLD.rowid;
END
