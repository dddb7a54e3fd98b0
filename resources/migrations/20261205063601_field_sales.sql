CREATE TABLE `badge_awards` (
	`person_id` text NOT NULL,
	`rule_id` text NOT NULL,
	`period` text NOT NULL,
	`status` text NOT NULL,
	`points` integer NOT NULL,
	`earned_by` text NOT NULL,
	`earned_at` integer NOT NULL,
	`final` integer DEFAULT false NOT NULL,
	PRIMARY KEY(`person_id`, `rule_id`, `period`)
);
--> statement-breakpoint
CREATE INDEX `badge_awards_rule` ON `badge_awards` (`rule_id`,`period`);--> statement-breakpoint
CREATE TABLE `badge_rules` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text,
	`role` text,
	`rule` text,
	`kind` text,
	`threshold` integer,
	`period` text,
	`points` integer,
	`announce` integer,
	`active` integer,
	`clocks` text DEFAULT '{}' NOT NULL
);
--> statement-breakpoint
CREATE TABLE `customer_account` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`event_id` text NOT NULL,
	`customer_id` text NOT NULL,
	`branch_id` text NOT NULL,
	`kind` text NOT NULL,
	`amount` integer NOT NULL,
	`order_id` text,
	`trip_id` text,
	`method` text,
	`reference` text,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `customer_account_customer` ON `customer_account` (`customer_id`,`at`);--> statement-breakpoint
CREATE INDEX `customer_account_event` ON `customer_account` (`event_id`);--> statement-breakpoint
CREATE INDEX `customer_account_trip` ON `customer_account` (`trip_id`);--> statement-breakpoint
CREATE TABLE `customer_order_lines` (
	`order_id` text NOT NULL,
	`line_no` integer NOT NULL,
	`variant_id` text NOT NULL,
	`sku` text NOT NULL,
	`name` text NOT NULL,
	`quantity` integer NOT NULL,
	`unit_price` integer NOT NULL,
	`returned_qty` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`order_id`, `line_no`)
);
--> statement-breakpoint
CREATE TABLE `customer_orders` (
	`id` text PRIMARY KEY NOT NULL,
	`number` text NOT NULL,
	`branch_id` text NOT NULL,
	`customer_id` text NOT NULL,
	`rep_id` text,
	`source` text NOT NULL,
	`status` text NOT NULL,
	`holds` text DEFAULT '[]' NOT NULL,
	`total` integer NOT NULL,
	`note` text,
	`placed_at` integer NOT NULL,
	`placed_by` text NOT NULL,
	`approved_by` text,
	`cancel_reason` text,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `customer_orders_number_unique` ON `customer_orders` (`number`);--> statement-breakpoint
CREATE INDEX `customer_orders_branch_status` ON `customer_orders` (`branch_id`,`status`,`placed_at`);--> statement-breakpoint
CREATE INDEX `customer_orders_customer` ON `customer_orders` (`customer_id`,`placed_at`);--> statement-breakpoint
CREATE INDEX `customer_orders_rep` ON `customer_orders` (`rep_id`,`placed_at`);--> statement-breakpoint
CREATE TABLE `delivery_proof_lines` (
	`proof_id` text NOT NULL,
	`line_no` integer NOT NULL,
	`variant_id` text NOT NULL,
	`loaded` integer NOT NULL,
	`delivered` integer NOT NULL,
	`damaged` integer NOT NULL,
	`short` integer NOT NULL,
	`reason` text,
	`photo_file` text,
	PRIMARY KEY(`proof_id`, `line_no`)
);
--> statement-breakpoint
CREATE TABLE `delivery_proofs` (
	`id` text PRIMARY KEY NOT NULL,
	`event_id` text NOT NULL,
	`trip_id` text NOT NULL,
	`order_id` text NOT NULL,
	`customer_id` text NOT NULL,
	`driver_id` text NOT NULL,
	`device_id` text NOT NULL,
	`delivered_at` integer NOT NULL,
	`received_hlc` text,
	`signature_file` text NOT NULL,
	`signed_by` text NOT NULL,
	`collected` integer DEFAULT 0 NOT NULL,
	`method` text,
	`reference` text,
	`note` text,
	`on_time` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `delivery_proofs_orderId_unique` ON `delivery_proofs` (`order_id`);--> statement-breakpoint
CREATE INDEX `delivery_proofs_trip` ON `delivery_proofs` (`trip_id`);--> statement-breakpoint
CREATE TABLE `delivery_returns` (
	`proof_id` text NOT NULL,
	`variant_id` text NOT NULL,
	`quantity` integer NOT NULL,
	PRIMARY KEY(`proof_id`, `variant_id`)
);
--> statement-breakpoint
CREATE TABLE `price_list_prices` (
	`list_id` text NOT NULL,
	`variant_id` text NOT NULL,
	`price` integer NOT NULL,
	PRIMARY KEY(`list_id`, `variant_id`)
);
--> statement-breakpoint
CREATE TABLE `price_lists` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text,
	`prices` text,
	`clocks` text DEFAULT '{}' NOT NULL
);
--> statement-breakpoint
CREATE TABLE `trip_stops` (
	`trip_id` text NOT NULL,
	`order_id` text NOT NULL,
	`seq` integer NOT NULL,
	`customer_id` text NOT NULL,
	`status` text NOT NULL,
	`proof_id` text,
	`fail_reason` text,
	PRIMARY KEY(`trip_id`, `order_id`)
);
--> statement-breakpoint
CREATE INDEX `trip_stops_order` ON `trip_stops` (`order_id`);--> statement-breakpoint
CREATE TABLE `trips` (
	`id` text PRIMARY KEY NOT NULL,
	`number` text NOT NULL,
	`branch_id` text NOT NULL,
	`day` text NOT NULL,
	`driver_id` text NOT NULL,
	`vehicle` text NOT NULL,
	`status` text NOT NULL,
	`planned_at` integer NOT NULL,
	`planned_by` text NOT NULL,
	`cash_expected` integer,
	`cash_counted` integer,
	`cash_reason` text,
	`closed_at` integer,
	`closed_by` text,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `trips_number_unique` ON `trips` (`number`);--> statement-breakpoint
CREATE INDEX `trips_branch_day` ON `trips` (`branch_id`,`day`);--> statement-breakpoint
CREATE INDEX `trips_driver_day` ON `trips` (`driver_id`,`day`);--> statement-breakpoint
CREATE TABLE `work_credits` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`event_id` text NOT NULL,
	`person_id` text NOT NULL,
	`kind` text NOT NULL,
	`ref` text NOT NULL,
	`value` integer DEFAULT 1 NOT NULL,
	`amount` integer DEFAULT 0 NOT NULL,
	`at` integer NOT NULL,
	`day` text NOT NULL,
	`voids` integer DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE INDEX `work_credits_ref` ON `work_credits` (`kind`,`ref`,`person_id`,`voids`);--> statement-breakpoint
CREATE INDEX `work_credits_person` ON `work_credits` (`person_id`,`kind`,`at`);--> statement-breakpoint
CREATE INDEX `work_credits_day` ON `work_credits` (`day`,`kind`,`voids`,`value`,`person_id`,`ref`);--> statement-breakpoint
CREATE INDEX `work_credits_event` ON `work_credits` (`event_id`);--> statement-breakpoint
CREATE TABLE `work_points` (
	`id` text PRIMARY KEY NOT NULL,
	`points` text,
	`clocks` text DEFAULT '{}' NOT NULL
);
--> statement-breakpoint
ALTER TABLE `company_settings` ADD `time_zone` text;--> statement-breakpoint
ALTER TABLE `customers` ADD `address` text;--> statement-breakpoint
ALTER TABLE `customers` ADD `lat_e6` integer;--> statement-breakpoint
ALTER TABLE `customers` ADD `lng_e6` integer;--> statement-breakpoint
ALTER TABLE `customers` ADD `rep_id` text;--> statement-breakpoint
ALTER TABLE `customers` ADD `price_list_id` text;--> statement-breakpoint
ALTER TABLE `customers` ADD `credit_limit` integer;--> statement-breakpoint
CREATE INDEX `customers_rep` ON `customers` (`rep_id`);--> statement-breakpoint
ALTER TABLE `users` ADD `customer_id` text;--> statement-breakpoint
ALTER TABLE `users` ADD `commission_bp` integer;