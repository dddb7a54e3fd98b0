CREATE TABLE `orders_by_day` (
	`day` text NOT NULL,
	`shop_id` text NOT NULL,
	`factory_id` text NOT NULL,
	`status` text NOT NULL,
	`orders` integer DEFAULT 0 NOT NULL,
	`amount` integer DEFAULT 0 NOT NULL,
	`lines` integer DEFAULT 0 NOT NULL,
	`paid` integer DEFAULT 0 NOT NULL,
	`paid_ms` integer DEFAULT 0 NOT NULL,
	`dispatched` integer DEFAULT 0 NOT NULL,
	`dispatched_ms` integer DEFAULT 0 NOT NULL,
	`delivered` integer DEFAULT 0 NOT NULL,
	`delivered_ms` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`day`, `shop_id`, `factory_id`, `status`)
);
--> statement-breakpoint
CREATE INDEX `orders_by_day_factory` ON `orders_by_day` (`factory_id`,`day`);--> statement-breakpoint
CREATE INDEX `orders_by_day_status` ON `orders_by_day` (`status`,`day`);--> statement-breakpoint
CREATE TABLE `production_by_day` (
	`day` text NOT NULL,
	`branch_id` text NOT NULL,
	`variant_id` text NOT NULL,
	`qty` integer DEFAULT 0 NOT NULL,
	`batches` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`day`, `branch_id`, `variant_id`)
);
--> statement-breakpoint
CREATE INDEX `production_by_day_branch` ON `production_by_day` (`branch_id`,`day`);--> statement-breakpoint
CREATE TABLE `received_by_day` (
	`day` text NOT NULL,
	`branch_id` text NOT NULL,
	`source` text NOT NULL,
	`amount` integer DEFAULT 0 NOT NULL,
	`payments` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`day`, `branch_id`, `source`)
);
--> statement-breakpoint
CREATE INDEX `received_by_day_branch` ON `received_by_day` (`branch_id`,`day`);--> statement-breakpoint
CREATE TABLE `sales_by_day` (
	`day` text NOT NULL,
	`branch_id` text NOT NULL,
	`variant_id` text NOT NULL,
	`qty` integer DEFAULT 0 NOT NULL,
	`amount` integer DEFAULT 0 NOT NULL,
	`lines` integer DEFAULT 0 NOT NULL,
	`returned_qty` integer DEFAULT 0 NOT NULL,
	`returned_amount` integer DEFAULT 0 NOT NULL,
	`returned_lines` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`day`, `branch_id`, `variant_id`)
);
--> statement-breakpoint
CREATE INDEX `sales_by_day_branch` ON `sales_by_day` (`branch_id`,`day`);--> statement-breakpoint
CREATE TABLE `sales_by_hour` (
	`day` text NOT NULL,
	`hour` integer NOT NULL,
	`branch_id` text NOT NULL,
	`tickets` integer DEFAULT 0 NOT NULL,
	`amount` integer DEFAULT 0 NOT NULL,
	`returns` integer DEFAULT 0 NOT NULL,
	`returned_amount` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`day`, `hour`, `branch_id`)
);
--> statement-breakpoint
CREATE INDEX `sales_by_hour_branch` ON `sales_by_hour` (`branch_id`,`day`);--> statement-breakpoint
CREATE TABLE `sales_by_month` (
	`month` text NOT NULL,
	`branch_id` text NOT NULL,
	`variant_id` text NOT NULL,
	`qty` integer DEFAULT 0 NOT NULL,
	`amount` integer DEFAULT 0 NOT NULL,
	`lines` integer DEFAULT 0 NOT NULL,
	`returned_qty` integer DEFAULT 0 NOT NULL,
	`returned_amount` integer DEFAULT 0 NOT NULL,
	`returned_lines` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`month`, `branch_id`, `variant_id`)
);
--> statement-breakpoint
CREATE INDEX `sales_by_month_branch` ON `sales_by_month` (`branch_id`,`month`);--> statement-breakpoint
ALTER TABLE `orders` ADD `day` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `orders` ADD `paid_at` integer;--> statement-breakpoint
ALTER TABLE `sale_return_lines` ADD `variant_id` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `sale_returns` ADD `day` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `sale_returns` ADD `hour` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `sales` ADD `day` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `sales` ADD `hour` integer DEFAULT 0 NOT NULL;