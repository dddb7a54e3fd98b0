CREATE TABLE `exchange_rates` (
	`id` text PRIMARY KEY NOT NULL,
	`rate` text NOT NULL,
	`clocks` text DEFAULT '{}' NOT NULL
);
--> statement-breakpoint
CREATE TABLE `forecast_adjustments` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`branch_id` text NOT NULL,
	`variant_id` text NOT NULL,
	`at` integer NOT NULL,
	`user_id` text NOT NULL,
	`description` text NOT NULL,
	`daily` text,
	`note` text NOT NULL,
	`model` text
);
--> statement-breakpoint
CREATE INDEX `forecast_adjustments_series` ON `forecast_adjustments` (`branch_id`,`variant_id`,`at`);