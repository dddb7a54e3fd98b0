DROP INDEX `reorder_rules_branch_variant`;--> statement-breakpoint
CREATE INDEX `reorder_rules_branch_variant` ON `reorder_rules` (`branch_id`,`variant_id`,`active`,`min`);--> statement-breakpoint
CREATE INDEX `order_lines_open` ON `order_lines` (`order_id`,`variant_id`,`quantity`,`dispatched_qty`,`cancelled_qty`);--> statement-breakpoint
CREATE INDEX `orders_open` ON `orders` (`status`,`updated_at`,`total`,`paid`,`shop_id`,`factory_id`,`id`);--> statement-breakpoint
CREATE INDEX `stock_balances_on_hand` ON `stock_balances` (`on_hand`,`branch_id`,`variant_id`);