CREATE TABLE `company_settings` (
	`id` text PRIMARY KEY NOT NULL,
	`currency_code` text,
	`currency_symbol` text,
	`minor_units` integer,
	`locale` text,
	`clocks` text DEFAULT '{}' NOT NULL
);
--> statement-breakpoint
CREATE TABLE `order_payments` (
	`order_id` text NOT NULL,
	`event_id` text PRIMARY KEY NOT NULL,
	`amount` integer NOT NULL,
	`due` integer NOT NULL,
	`received_on` text NOT NULL,
	`reference` text NOT NULL,
	`recorded_at` integer NOT NULL,
	`recorded_by` text NOT NULL,
	FOREIGN KEY (`order_id`) REFERENCES `orders`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `order_payments_order` ON `order_payments` (`order_id`);--> statement-breakpoint
CREATE TABLE `stock_count_lines` (
	`count_id` text NOT NULL,
	`variant_id` text NOT NULL,
	`expected` integer NOT NULL,
	`counted` integer NOT NULL,
	`status` text NOT NULL,
	`held_by` text,
	PRIMARY KEY(`count_id`, `variant_id`),
	FOREIGN KEY (`count_id`) REFERENCES `stock_counts`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`variant_id`) REFERENCES `variants`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `stock_counts` (
	`id` text PRIMARY KEY NOT NULL,
	`branch_id` text NOT NULL,
	`category` text,
	`device_id` text NOT NULL,
	`started_at` integer NOT NULL,
	`started_by` text NOT NULL,
	`posted_at` integer,
	`counter_name` text,
	FOREIGN KEY (`branch_id`) REFERENCES `branches`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `stock_counts_branch` ON `stock_counts` (`branch_id`);--> statement-breakpoint
CREATE TABLE `stock_transfers` (
	`id` text PRIMARY KEY NOT NULL,
	`from_branch_id` text NOT NULL,
	`to_branch_id` text NOT NULL,
	`variant_id` text NOT NULL,
	`quantity` integer NOT NULL,
	`status` text NOT NULL,
	`note` text,
	`sent_at` integer NOT NULL,
	`sent_by` text NOT NULL,
	`received` integer,
	`receipt_note` text,
	`received_at` integer,
	`received_by` text,
	FOREIGN KEY (`from_branch_id`) REFERENCES `branches`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`to_branch_id`) REFERENCES `branches`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`variant_id`) REFERENCES `variants`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `stock_transfers_from` ON `stock_transfers` (`from_branch_id`);--> statement-breakpoint
CREATE INDEX `stock_transfers_to` ON `stock_transfers` (`to_branch_id`);--> statement-breakpoint
ALTER TABLE `order_lines` ADD `confirmed_qty` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `order_lines` ADD `cancelled_qty` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `orders` ADD `paid` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `orders` ADD `payment_mismatch` integer DEFAULT false NOT NULL;