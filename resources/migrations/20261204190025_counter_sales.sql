CREATE TABLE `loyalty_balances` (
	`customer_id` text PRIMARY KEY NOT NULL,
	`points` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE `loyalty_movements` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`event_id` text NOT NULL,
	`customer_id` text NOT NULL,
	`kind` text NOT NULL,
	`points` integer NOT NULL,
	`available_at` integer NOT NULL,
	`expires_at` integer,
	`sale_id` text,
	`branch_id` text,
	`at` integer NOT NULL,
	`note` text
);
--> statement-breakpoint
CREATE INDEX `loyalty_movements_customer` ON `loyalty_movements` (`customer_id`,`available_at`);--> statement-breakpoint
CREATE INDEX `loyalty_movements_event` ON `loyalty_movements` (`event_id`);--> statement-breakpoint
CREATE TABLE `loyalty_program` (
	`id` text PRIMARY KEY NOT NULL,
	`spend_per_point` integer,
	`pending_days` integer,
	`expiry_days` integer,
	`point_value` integer,
	`tiers` text,
	`rewards` text,
	`clocks` text DEFAULT '{}' NOT NULL
);
--> statement-breakpoint
CREATE TABLE `receipt_queue` (
	`document_id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`last_error` text,
	`queued_at` integer NOT NULL,
	`printed_at` integer
);
--> statement-breakpoint
CREATE TABLE `sale_refunds` (
	`return_id` text NOT NULL,
	`pay_no` integer NOT NULL,
	`method` text NOT NULL,
	`amount` integer NOT NULL,
	`reference` text,
	PRIMARY KEY(`return_id`, `pay_no`),
	FOREIGN KEY (`return_id`) REFERENCES `sale_returns`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `sale_return_lines` (
	`return_id` text NOT NULL,
	`line_no` integer NOT NULL,
	`quantity` integer NOT NULL,
	`amount` integer NOT NULL,
	`tax` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`return_id`, `line_no`),
	FOREIGN KEY (`return_id`) REFERENCES `sale_returns`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `sale_returns` (
	`id` text PRIMARY KEY NOT NULL,
	`sale_id` text NOT NULL,
	`number` text NOT NULL,
	`branch_id` text NOT NULL,
	`device_id` text,
	`shift_id` text,
	`amount` integer NOT NULL,
	`tax` integer DEFAULT 0 NOT NULL,
	`points_taken_back` integer DEFAULT 0 NOT NULL,
	`points_given_back` integer DEFAULT 0 NOT NULL,
	`reason` text,
	`returned_at` integer NOT NULL,
	`user_id` text NOT NULL,
	`event_id` text NOT NULL,
	FOREIGN KEY (`sale_id`) REFERENCES `sales`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `sale_returns_number_unique` ON `sale_returns` (`number`);--> statement-breakpoint
CREATE INDEX `sale_returns_sale` ON `sale_returns` (`sale_id`);--> statement-breakpoint
CREATE INDEX `sale_returns_device` ON `sale_returns` (`device_id`,`returned_at`);--> statement-breakpoint
CREATE INDEX `sale_returns_branch` ON `sale_returns` (`branch_id`,`returned_at`);--> statement-breakpoint
CREATE TABLE `shifts` (
	`id` text PRIMARY KEY NOT NULL,
	`branch_id` text NOT NULL,
	`device_id` text NOT NULL,
	`opened_by` text NOT NULL,
	`opened_at` integer NOT NULL,
	`opening_float` integer NOT NULL,
	`closed_by` text,
	`closed_at` integer,
	`expected_cash` integer,
	`counted_cash` integer,
	`difference` integer,
	`reason` text
);
--> statement-breakpoint
CREATE INDEX `shifts_device_opened` ON `shifts` (`device_id`,`opened_at`);--> statement-breakpoint
ALTER TABLE `company_settings` ADD `prices_include_tax` integer;--> statement-breakpoint
ALTER TABLE `company_settings` ADD `category_tax_rates` text;--> statement-breakpoint
ALTER TABLE `company_settings` ADD `discount_limits` text;--> statement-breakpoint
ALTER TABLE `customers` ADD `phone_key` text;--> statement-breakpoint
ALTER TABLE `customers` ADD `card` text;--> statement-breakpoint
ALTER TABLE `customers` ADD `tier` text;--> statement-breakpoint
ALTER TABLE `customers` ADD `merged_into` text;--> statement-breakpoint
CREATE INDEX `customers_phone` ON `customers` (`phone_key`);--> statement-breakpoint
CREATE INDEX `customers_card` ON `customers` (`card`);--> statement-breakpoint
CREATE INDEX `customers_name` ON `customers` (`name`);--> statement-breakpoint
CREATE INDEX `customers_merged` ON `customers` (`merged_into`);--> statement-breakpoint
ALTER TABLE `sale_lines` ADD `discount` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `sale_lines` ADD `tax_rate_bp` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `sale_lines` ADD `tax` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `sales` ADD `discount` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `sales` ADD `reward_amount` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `sales` ADD `tax` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `sales` ADD `approved_by` text;--> statement-breakpoint
ALTER TABLE `sales` ADD `shift_id` text;--> statement-breakpoint
ALTER TABLE `sales` ADD `device_id` text;--> statement-breakpoint
ALTER TABLE `sales` ADD `points_earned` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `sales` ADD `points_redeemed` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `sales` ADD `tier` text;--> statement-breakpoint
CREATE INDEX `sales_customer_sold` ON `sales` (`customer_id`,`sold_at`);--> statement-breakpoint
CREATE INDEX `sales_device_sold` ON `sales` (`device_id`,`sold_at`);--> statement-breakpoint
ALTER TABLE `variants` ADD `tax_rate_bp` integer;--> statement-breakpoint
ALTER TABLE `variants` ADD `scale_prefix` integer;--> statement-breakpoint
ALTER TABLE `variants` ADD `scale_item` text;--> statement-breakpoint
ALTER TABLE `variants` ADD `scale_embeds` text;--> statement-breakpoint
CREATE UNIQUE INDEX `variants_scale` ON `variants` (`scale_prefix`,`scale_item`);