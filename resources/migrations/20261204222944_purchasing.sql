CREATE TABLE `forecasts` (
	`branch_id` text NOT NULL,
	`variant_id` text NOT NULL,
	`fitted_at` integer NOT NULL,
	`method` text NOT NULL,
	`short_history` integer NOT NULL,
	`daily` text NOT NULL,
	PRIMARY KEY(`branch_id`, `variant_id`)
);
--> statement-breakpoint
CREATE TABLE `purchase_order_lines` (
	`order_id` text NOT NULL,
	`line_no` integer NOT NULL,
	`variant_id` text NOT NULL,
	`supplier_item_id` text,
	`supplier_code` text,
	`quantity` integer NOT NULL,
	`price` integer NOT NULL,
	`line_total` integer NOT NULL,
	`received` integer DEFAULT 0 NOT NULL,
	`rule_id` text,
	`why` text,
	PRIMARY KEY(`order_id`, `line_no`)
);
--> statement-breakpoint
CREATE INDEX `purchase_order_lines_variant` ON `purchase_order_lines` (`variant_id`);--> statement-breakpoint
CREATE INDEX `purchase_order_lines_rule` ON `purchase_order_lines` (`rule_id`);--> statement-breakpoint
CREATE TABLE `purchase_orders` (
	`id` text PRIMARY KEY NOT NULL,
	`number` text,
	`supplier_id` text NOT NULL,
	`branch_id` text NOT NULL,
	`status` text NOT NULL,
	`currency_code` text NOT NULL,
	`rate` text,
	`total` integer NOT NULL,
	`total_company` integer NOT NULL,
	`source` text NOT NULL,
	`run_id` text,
	`note` text,
	`created_at` integer NOT NULL,
	`created_by` text NOT NULL,
	`edited_by` text NOT NULL,
	`approved_by` text,
	`approved_at` integer,
	`second_approved_by` text,
	`closed_reason` text,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `purchase_orders_status` ON `purchase_orders` (`status`,`created_at`);--> statement-breakpoint
CREATE INDEX `purchase_orders_branch` ON `purchase_orders` (`branch_id`,`status`);--> statement-breakpoint
CREATE INDEX `purchase_orders_supplier` ON `purchase_orders` (`supplier_id`,`status`);--> statement-breakpoint
CREATE TABLE `purchase_receipt_lines` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`event_id` text NOT NULL,
	`order_id` text NOT NULL,
	`line_no` integer NOT NULL,
	`variant_id` text NOT NULL,
	`branch_id` text NOT NULL,
	`quantity` integer NOT NULL,
	`rejected` integer DEFAULT 0 NOT NULL,
	`note` text,
	`unit_cost` integer NOT NULL,
	`received_at` integer NOT NULL,
	`user_id` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `purchase_receipt_lines_event` ON `purchase_receipt_lines` (`event_id`);--> statement-breakpoint
CREATE INDEX `purchase_receipt_lines_order` ON `purchase_receipt_lines` (`order_id`);--> statement-breakpoint
CREATE INDEX `purchase_receipt_lines_variant` ON `purchase_receipt_lines` (`variant_id`,`received_at`);--> statement-breakpoint
CREATE TABLE `purchase_runs` (
	`id` text PRIMARY KEY NOT NULL,
	`started_at` integer NOT NULL,
	`finished_at` integer,
	`status` text NOT NULL,
	`rules` integer DEFAULT 0 NOT NULL,
	`lines` integer DEFAULT 0 NOT NULL,
	`orders` integer DEFAULT 0 NOT NULL,
	`error` text
);
--> statement-breakpoint
CREATE TABLE `purchase_timeline` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`order_id` text NOT NULL,
	`event_id` text NOT NULL,
	`step` text NOT NULL,
	`status_after` text NOT NULL,
	`at` integer NOT NULL,
	`user_id` text NOT NULL,
	`note` text
);
--> statement-breakpoint
CREATE INDEX `purchase_timeline_order` ON `purchase_timeline` (`order_id`);--> statement-breakpoint
CREATE INDEX `purchase_timeline_event` ON `purchase_timeline` (`event_id`);--> statement-breakpoint
CREATE TABLE `purchasing_settings` (
	`id` text PRIMARY KEY NOT NULL,
	`approval_limit` integer,
	`tolerance_bp` integer,
	`run_schedule` text,
	`refit_schedule` text,
	`clocks` text DEFAULT '{}' NOT NULL
);
--> statement-breakpoint
CREATE TABLE `reorder_rules` (
	`id` text PRIMARY KEY NOT NULL,
	`branch_id` text NOT NULL,
	`variant_id` text NOT NULL,
	`min` integer NOT NULL,
	`max` integer,
	`days_of_cover` integer,
	`supplier_id` text,
	`active` integer DEFAULT true NOT NULL,
	`clocks` text DEFAULT '{}' NOT NULL
);
--> statement-breakpoint
CREATE INDEX `reorder_rules_branch_variant` ON `reorder_rules` (`branch_id`,`variant_id`);--> statement-breakpoint
CREATE TABLE `supplier_item_prices` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`item_id` text NOT NULL,
	`event_id` text NOT NULL,
	`price` integer NOT NULL,
	`hlc` text NOT NULL,
	`changed_at` integer NOT NULL,
	`user_id` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `supplier_item_prices_item` ON `supplier_item_prices` (`item_id`,`hlc`);--> statement-breakpoint
CREATE TABLE `supplier_items` (
	`id` text PRIMARY KEY NOT NULL,
	`supplier_id` text NOT NULL,
	`variant_id` text NOT NULL,
	`supplier_code` text,
	`price` integer NOT NULL,
	`pack_size` integer NOT NULL,
	`min_order_qty` integer NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	`clocks` text DEFAULT '{}' NOT NULL
);
--> statement-breakpoint
CREATE INDEX `supplier_items_supplier` ON `supplier_items` (`supplier_id`);--> statement-breakpoint
CREATE INDEX `supplier_items_variant` ON `supplier_items` (`variant_id`);--> statement-breakpoint
CREATE TABLE `suppliers` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`tax_id` text,
	`phone` text,
	`email` text,
	`currency_code` text NOT NULL,
	`payment_terms` text,
	`lead_time_days` integer NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	`clocks` text DEFAULT '{}' NOT NULL
);
--> statement-breakpoint
CREATE INDEX `suppliers_name` ON `suppliers` (`name`);--> statement-breakpoint
CREATE TABLE `variant_costs` (
	`variant_id` text PRIMARY KEY NOT NULL,
	`cost` integer NOT NULL,
	`quantity` integer NOT NULL,
	`last_received_at` integer NOT NULL
);
